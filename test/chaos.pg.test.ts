/**
 * Issue 4, done-means 1: async writes survive SIGKILLs of the server and a faulty Airtable —
 * every accepted mutation lands exactly once, in order per record, nothing accepted is lost.
 * See test/chaos.ts for the driver. CI size: CHAOS_WRITES (default 200) writes, five kills, on
 * PGlite on disk, and on PostgreSQL too when DATABASE_URL is set; `npm run chaos` runs 1,000.
 */
import { expect, test } from 'vitest'
import { runChaos } from './chaos.ts'

const WRITES = Number(process.env['CHAOS_WRITES'] ?? 200)
const SEED = process.env['CHAOS_SEED'] === undefined ? undefined : Number(process.env['CHAOS_SEED'])
const DATABASE_URL = process.env['DATABASE_URL']

const stores = [
  { name: 'pglite', databaseUrl: undefined },
  ...(DATABASE_URL === undefined ? [] : [{ name: 'postgres', databaseUrl: DATABASE_URL }]),
]

for (const store of stores) {
  test(`${store.name}: ${WRITES} async writes, 5 SIGKILLs, 10% 5xx, 5% commit-then-fail, hangs: exactly once, in order`, async () => {
    const report = await runChaos({
      writes: WRITES,
      kills: 5,
      databaseUrl: store.databaseUrl,
      ...(SEED !== undefined && { seed: SEED }),
      log: (line) => console.log(`[chaos ${store.name}] ${line}`),
    })
    console.log(`[chaos ${store.name}] ${JSON.stringify(report)}`)
    expect(report.accepted).toBeGreaterThan(WRITES * 0.9)
    // The faults really happened: injected 5xx and commit-then-fail answers.
    expect(report.emulatorStatuses['500'] ?? 0).toBeGreaterThan(0)
    expect({
      notCommitted: report.notCommitted,
      refused: report.refused,
      duplicates: report.duplicates,
      missing: report.missing,
      wrongValue: report.wrongValue,
      unexpected: report.unexpected,
    }).toEqual({
      notCommitted: [],
      refused: [],
      duplicates: [],
      missing: [],
      wrongValue: [],
      unexpected: [],
    })
  }, 600_000)
}
