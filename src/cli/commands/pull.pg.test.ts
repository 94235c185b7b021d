/**
 * `airsync pull` and `airsync status` in-process, against an emulator on port 0 and PGlite in a
 * temporary data folder.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index.ts'
import { buildTestBase, TEST_BASE_ID } from '../../emulator/test-base.ts'
import { createAirsyncServer, serverConfigSchema } from '../../server/index.ts'
import { countRecords, openStore } from '../../store/index.ts'
import { runCli } from '../run.ts'

const TOKEN = 'patCliPullTest0001.0123456789abcdef'
let running: RunningEmulator
let dataDir: string

beforeAll(async () => {
  running = await startEmulator({
    tokens: [TOKEN],
    rateLimit: false,
    bases: [buildTestBase({ rows: 120 })],
  })
  dataDir = await mkdtemp(join(tmpdir(), 'airsync-pull-'))
})
afterAll(async () => {
  await running.close()
  await rm(dataDir, { recursive: true, force: true })
})

function collect() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err }
}

test('pull mirrors the base into the data folder and prints a line per table', async () => {
  const { io, out, err } = collect()
  const env = {
    AIRTABLE_API_URL: running.url,
    AIRTABLE_ACCESS_TOKEN: TOKEN,
    AIRTABLE_BASE_ID: TEST_BASE_ID,
    AIRSYNC_DATA_DIR: dataDir,
    AIRSYNC_RATE_LIMIT: '50',
  }
  expect(await runCli(['pull'], env, io)).toBe(0)
  expect(err).toEqual([])
  expect(out.some((l) => /^ {2}Tasks: 120 records in [\d.]+ s$/.test(l))).toBe(true)
  expect(out.at(-1)).toMatch(/^synced 120 records \(\d+ pages\) in [\d.]+ s$/)
  const db = await openStore({ dataDir })
  try {
    expect([...(await countRecords(db, TEST_BASE_ID)).values()]).toEqual([120])
  } finally {
    await db.close()
  }
})

test('pull without a token is a usage error naming the variable', async () => {
  const { io, err } = collect()
  expect(await runCli(['pull'], { AIRTABLE_BASE_ID: TEST_BASE_ID }, io)).toBe(2)
  expect(err.join('\n')).toContain('AIRTABLE_ACCESS_TOKEN')
})

test('status prints a running server’s tables; exit 0 once ready, 1 when unreachable', async () => {
  const db = await openStore({ dataDir })
  await using server = await createAirsyncServer({
    ...serverConfigSchema.parse({
      airtableApiUrl: running.url,
      airtableAccessToken: TOKEN,
      baseId: TEST_BASE_ID,
      port: 0,
      serviceKey: 'svc-status-test-0123456789',
      logLevel: 'silent',
    }),
    db,
  })
  const url = await server.start()
  const { io, out } = collect()
  // The mirror was pulled above, so the server is ready at once.
  expect(
    await runCli(
      ['status', '--url', url],
      { AIRSYNC_SERVICE_KEY: 'svc-status-test-0123456789' },
      io,
    ),
  ).toBe(0)
  expect(out[0]).toContain(`base ${TEST_BASE_ID}  ready`)
  expect(out.some((l) => /Tasks\s+\w+\s+120 rows/.test(l))).toBe(true)
  await server.close()
  await db.close()
  const down = collect()
  expect(await runCli(['status', '--url', url], {}, down.io)).toBe(1)
  expect(down.err[0]).toContain(url)
})
