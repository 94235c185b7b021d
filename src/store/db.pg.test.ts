import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { appendChanges, latestSeq } from './feed.ts'
import { openStore, storeConfigFromEnv } from './open-store.ts'
import { getRecord, upsertRecords } from './records.ts'
import { testBackends } from './test-backends.ts'

const T = { baseId: 'appBase000000001', tableId: 'tblMembers000001' }

function waitFor<T>(register: (resolve: (value: T) => void) => Promise<unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    register(resolve).catch(reject)
  })
}

for (const backend of testBackends()) {
  describe(`${backend.name}: db port`, () => {
    test('nested transaction calls reuse the outer transaction', async () => {
      await using db = await backend.open()
      await expect(
        db.transaction(async (tx) => {
          await tx.transaction((inner) =>
            upsertRecords(inner, { ...T, records: [{ id: 'rec1', fields: {} }], source: 'test' }),
          )
          expect(await getRecord(tx, { ...T, id: 'rec1' })).toBeDefined()
          throw new Error('outer fails')
        }),
      ).rejects.toThrow('outer fails')
      expect(await getRecord(db, { ...T, id: 'rec1' })).toBeUndefined()
    })

    test('parameters carry SQL text as values only', async () => {
      await using db = await backend.open()
      const hostile = `'); drop table records; --`
      const rows = await db.query<{ v: string; j: unknown }>(
        'select $1::text as v, $2::jsonb as j',
        [hostile, JSON.stringify({ [hostile]: [hostile] })],
      )
      expect(rows).toEqual([{ v: hostile, j: { [hostile]: [hostile] } }])
      await upsertRecords(db, {
        ...T,
        records: [{ id: hostile, fields: { [hostile]: hostile } }],
        source: 'test',
      })
      expect((await getRecord(db, { ...T, id: hostile }))?.fields).toEqual({ [hostile]: hostile })
    })

    test('an advisory lock is exclusive until released', async () => {
      await using db = await backend.open()
      const other = backend.name === 'postgres' ? await db.openPeer() : db
      try {
        const lock = await db.tryAdvisoryLock('outbox:appBase000000001')
        expect(lock).toBeDefined()
        expect(lock?.lost.aborted).toBe(false)
        expect(await other.tryAdvisoryLock('outbox:appBase000000001')).toBeUndefined()
        const unrelated = await other.tryAdvisoryLock('outbox:appOther00000001')
        expect(unrelated).toBeDefined()
        await unrelated?.release()
        await lock?.release()
        await using again = await other.tryAdvisoryLock('outbox:appBase000000001')
        expect(again).toBeDefined()
      } finally {
        if (other !== db) await other.close()
      }
    })

    test('notify reaches listeners, and a stopped listener hears nothing more', async () => {
      await using db = await backend.open()
      const sender = backend.name === 'postgres' ? await db.openPeer() : db
      try {
        const heard: string[] = []
        let stop: (() => Promise<void>) | undefined
        const first = await waitFor<string>(async (resolve) => {
          stop = await db.listen('Mixed.Case channel', (payload) => {
            heard.push(payload)
            resolve(payload)
          })
          await sender.notify('Mixed.Case channel', 'hello "there"')
        })
        expect(first).toBe('hello "there"')
        await stop?.()
        // A second listener proves delivery still works; the stopped one must not hear it.
        const second = await waitFor<string>(async (resolve) => {
          await db.listen('Mixed.Case channel', resolve)
          await sender.notify('Mixed.Case channel', 'again')
        })
        expect(second).toBe('again')
        expect(heard).toEqual(['hello "there"'])
      } finally {
        if (sender !== db) await sender.close()
      }
    })
  })
}

const postgres = testBackends().find((b) => b.name === 'postgres')
describe.runIf(postgres !== undefined)('postgres: isolation between schemas', () => {
  test('stores in different schemas share neither locks nor notifications', async () => {
    await using a = await postgres!.open()
    await using b = await postgres!.open()
    await using lockA = await a.tryAdvisoryLock('writer')
    await using lockB = await b.tryAdvisoryLock('writer')
    expect(lockA).toBeDefined()
    expect(lockB).toBeDefined()
    const heardByB: string[] = []
    await b.listen('airsync_changes', (payload) => heardByB.push(payload))
    const heardByA = await waitFor<string>(async (resolve) => {
      await a.listen('airsync_changes', resolve)
      await appendChanges(a, [
        { baseId: 'app1', tableId: 'tbl1', kind: 'created', source: 'test', recordId: 'rec1' },
      ])
    })
    expect(JSON.parse(heardByA)).toEqual({ seq: 1 })
    // b's own notification arrives after anything a sent before it on the same server.
    const own = await waitFor<string>(async (resolve) => {
      await b.listen('probe', resolve)
      await b.notify('probe', 'b')
    })
    expect(own).toBe('b')
    expect(heardByB).toEqual([])
    expect(await latestSeq(b)).toBe(0)
  })
})

describe('openStore', () => {
  test('PGlite in a data folder persists across reopen', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'airsync-store-'))
    try {
      const config = storeConfigFromEnv({ AIRSYNC_DATA_DIR: dataDir })
      expect(config).toEqual({ databaseUrl: undefined, dataDir, schema: undefined })
      {
        await using db = await openStore(config)
        expect(db.kind).toBe('pglite')
        await upsertRecords(db, {
          ...T,
          records: [{ id: 'rec1', fields: { fldA: 'kept' } }],
          source: 'test',
        })
      }
      await using reopened = await openStore(config)
      expect((await getRecord(reopened, { ...T, id: 'rec1' }))?.fields).toEqual({ fldA: 'kept' })
      expect(await latestSeq(reopened)).toBe(1)
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  test('DATABASE_URL selects PostgreSQL', () => {
    expect(
      storeConfigFromEnv({ DATABASE_URL: 'postgres://x@h/db', AIRSYNC_DB_SCHEMA: 's1' }),
    ).toEqual({
      databaseUrl: 'postgres://x@h/db',
      dataDir: undefined,
      schema: 's1',
    })
  })
})
