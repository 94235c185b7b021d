/**
 * Several instances (issue 5): two airsync servers on one mirror each stream every change,
 * whichever instance wrote it. On PostgreSQL (DATABASE_URL) each server has its own pool and
 * LISTEN connection on one schema, as separate processes would; without it the two share one
 * PGlite handle (same code path, one process).
 */
import { randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { expect, test } from 'vitest'
import { issueDevToken } from '../src/policy/index.ts'
import { findField, findTable } from '../src/protocol/index.ts'
import { createAirsyncServer, serverConfigSchema, type AirsyncServer } from '../src/server/index.ts'
import {
  migrate,
  openPglite,
  openPostgres,
  quoteIdent,
  upsertRecords,
  type Db,
} from '../src/store/index.ts'
import { startEmulatorFixture } from './emulator-fixture.ts'
import { openEvents } from './events-client.ts'

const SERVICE_KEY = 'events-instances-service-key-0123'
const JWT_SECRET = 'events-instances-jwt-secret-0123456789'

async function openMirrors(): Promise<{ dbs: [Db, Db]; drop: () => Promise<void> }> {
  const url = process.env['DATABASE_URL']
  if (url === undefined) {
    const db = await openPglite({ memory: true })
    await migrate(db)
    return { dbs: [db, db], drop: () => db.close() }
  }
  const schema = `events_${randomBytes(6).toString('hex')}`
  const a = await openPostgres({ connectionString: url, schema })
  await migrate(a)
  const b = await openPostgres({ connectionString: url, schema })
  return {
    dbs: [a, b],
    drop: async () => {
      await b.close()
      await a.query(`drop schema ${quoteIdent(schema)} cascade`)
      await a.close()
    },
  }
}

test('every instance streams every change, whichever instance wrote it', async () => {
  await using emulator = await startEmulatorFixture()
  const mirrors = await openMirrors()
  const servers: AirsyncServer[] = []
  try {
    const config = serverConfigSchema.parse({
      airtableApiUrl: emulator.url,
      airtableAccessToken: emulator.token,
      baseId: emulator.baseId,
      port: 0,
      serviceKey: SERVICE_KEY,
      jwtSecret: JWT_SECRET,
      airtableRatePerSecond: 1000,
      ingest: 'off',
      outboxWriter: 'off',
      logLevel: 'silent',
    })
    for (const db of mirrors.dbs) {
      const server = await createAirsyncServer({ ...config, db, logger: pino({ level: 'silent' }) })
      servers.push(server)
      await server.start()
      await server.whenReady()
    }
    const token = await issueDevToken({
      secret: JWT_SECRET,
      sub: 'ops',
      email: 'ops@presence.test',
      role: 'admin',
    })
    const clients = await Promise.all(
      servers.map((server) => openEvents(server.url!, { token, query: '?tables=Templates' })),
    )
    expect(clients.map((c) => c.status)).toEqual([200, 200])

    const schema = servers[0]!.policy()!.schema
    const table = findTable(schema, 'Templates')!
    const body = findField(table, 'Message Body')!.id
    const written: number[] = []
    for (const [index, db] of [...mirrors.dbs, ...mirrors.dbs].entries()) {
      const result = await upsertRecords(db, {
        baseId: emulator.baseId,
        tableId: table.id,
        records: [{ id: 'recInstances00001', fields: { [body]: `from ${index % 2}` } }],
        mode: 'merge',
        source: 'test',
      })
      written.push(result.lastSeq!)
    }
    for (const client of clients) {
      await client.waitFor((events) => events.some((e) => e.parsed.seq === written.at(-1)))
      expect(client.events.map((e) => e.parsed.seq)).toEqual(written)
      await client.close()
    }
  } finally {
    for (const server of servers) await server.close()
    await mirrors.drop()
  }
})
