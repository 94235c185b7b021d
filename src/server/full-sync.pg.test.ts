/**
 * The ingest module's full sync against a real emulator on port 0, over PGlite (and PostgreSQL with DATABASE_URL):
 * record-for-record mirror, view orders, deletions in the feed, expired offsets, fault storms.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadSeed, PRESENCE_BASE_ID, type RunningEmulator } from '../emulator/index.ts'
import { buildTestBase, TEST_BASE_ID } from '../emulator/test-base.ts'
import { ManualClock } from '../shared/index.ts'
import {
  getBaseSyncState,
  latestSeq,
  listTableSyncStates,
  loadViewOrder,
  readChangesAfter,
  upsertRecords,
} from '../store/index.ts'
import { testBackends } from '../store/test-backends.ts'
import { FullSyncError, runFullSync } from '../ingest/index.ts'
import type { SyncProgressEvent } from '../ingest/index.ts'
import { mirrorRecords, startTestEmulator, testClient, upstreamRecords } from './test-helpers.ts'

let presence: RunningEmulator

beforeAll(async () => {
  presence = await startTestEmulator({ bases: [loadSeed('presence')] })
})
afterAll(async () => {
  await presence.close()
})

for (const backend of testBackends()) {
  describe(backend.name, () => {
    test('mirrors every Presence table record-for-record, with views and sync state', async () => {
      await using db = await backend.open()
      const client = testClient(presence)
      const events: SyncProgressEvent[] = []
      const result = await runFullSync({
        db,
        airtable: client,
        baseId: PRESENCE_BASE_ID,
        onProgress: (e) => events.push(e),
      })
      expect(result.records).toBe(5_120)
      expect(result.tables).toHaveLength(result.schema.tables.length)
      for (const table of result.schema.tables) {
        const upstream = await upstreamRecords(client, PRESENCE_BASE_ID, table.id)
        const mirrored = await mirrorRecords(db, PRESENCE_BASE_ID, table.id)
        expect(mirrored.length, table.name).toBe(upstream.length)
        expect(mirrored, table.name).toEqual(upstream)
        for (const view of table.views) {
          const listed = await client
            .table(PRESENCE_BASE_ID, table.id)
            .all({ view: view.id, fields: [table.primaryFieldId] })
          const stored = await loadViewOrder(db, {
            baseId: PRESENCE_BASE_ID,
            tableId: table.id,
            viewId: view.id,
          })
          expect(stored?.recordIds, `${table.name} / ${view.name}`).toEqual(listed.map((r) => r.id))
        }
      }
      const states = await listTableSyncStates(db, PRESENCE_BASE_ID)
      expect(states.map((s) => s.status)).toEqual(states.map(() => 'ready'))
      const sessions = result.tables.find((t) => t.tableName === 'Presence Operations')
      const sessionsState = states.find((s) => s.tableId === sessions?.tableId)
      expect(sessionsState?.recordCount).toBe(3_000)
      expect(sessionsState?.lastFullSyncAt).toBeDefined()
      expect((await getBaseSyncState(db, PRESENCE_BASE_ID))?.lastFullSyncAt).toBeDefined()
      const pageEvents = events.filter((e) => e.type === 'page')
      expect(pageEvents.length).toBe(result.pages)
      expect(events.at(-1)).toMatchObject({ type: 'done', records: 5_120 })
      // Creations went to the feed: one entry per record.
      const feed = await readChangesAfter(db, { afterSeq: 0, limit: 10_000 })
      expect(feed.filter((c) => c.kind === 'created')).toHaveLength(5_120)
    })
  })
}

describe('resync', () => {
  // One emulator for every backend: each run deletes from it, so counts come from `before`.
  let running: RunningEmulator
  beforeAll(async () => {
    running = await startTestEmulator({ bases: [buildTestBase({ rows: 230 })] })
  })
  afterAll(async () => {
    await running.close()
  })

  for (const backend of testBackends()) {
    test(`${backend.name}: records deleted upstream leave the mirror as feed deletions; local ones stay`, async () => {
      await using db = await backend.open()
      const client = testClient(running)
      const first = await runFullSync({ db, airtable: client, baseId: TEST_BASE_ID })
      const tasks = first.schema.tables.find((t) => t.name === 'Tasks')
      if (tasks === undefined) throw new Error('no Tasks table')
      const ref = { baseId: TEST_BASE_ID, tableId: tasks.id }
      const before = await upstreamRecords(client, TEST_BASE_ID, tasks.id)
      const gone = before.slice(0, 12).map((r) => r.id)
      await client.table(TEST_BASE_ID, tasks.id).delete(gone)
      const edited = before[20]
      if (edited === undefined) throw new Error('too few tasks')
      await client.table(TEST_BASE_ID, tasks.id).update([{ id: edited.id, fields: { Notes: 'x' } }])
      const seq = await latestSeq(db)

      const second = await runFullSync({ db, airtable: client, baseId: TEST_BASE_ID })
      const secondTasks = second.tables.find((t) => t.tableId === tasks.id)
      expect(secondTasks).toMatchObject({
        records: before.length - 12,
        deleted: 12,
        created: 0,
        updated: 1,
      })
      expect(await mirrorRecords(db, TEST_BASE_ID, tasks.id)).toEqual(
        await upstreamRecords(client, TEST_BASE_ID, tasks.id),
      )
      const changes = await readChangesAfter(db, { afterSeq: seq, limit: 100 })
      expect(
        changes
          .filter((c) => c.kind === 'deleted')
          .map((c) => c.recordId)
          .sort(),
      ).toEqual([...gone].sort())
      expect(changes.filter((c) => c.kind === 'updated').map((c) => c.recordId)).toEqual([
        edited.id,
      ])

      // A record written locally while a sync runs (after it began) is not taken for deleted:
      // the second Tasks page waits until the local write is in.
      let localWrite: Promise<unknown> | undefined
      const gated = testClient(running, {}, async (url, init) => {
        if (url.includes(`/${tasks.id}?`) && url.includes('offset=') && localWrite === undefined) {
          localWrite = upsertRecords(db, {
            ...ref,
            records: [{ id: 'recLocalOnly000001', fields: {} }],
            source: 'local',
          })
          await localWrite
        }
        return fetch(url, init)
      })
      await runFullSync({ db, airtable: gated, baseId: TEST_BASE_ID, views: false })
      expect(localWrite).toBeDefined()
      expect((await mirrorRecords(db, TEST_BASE_ID, tasks.id)).map((r) => r.id)).toContain(
        'recLocalOnly000001',
      )
      // The next sync began after it: Airtable does not have it, so it goes.
      await runFullSync({ db, airtable: client, baseId: TEST_BASE_ID, views: false })
      expect((await mirrorRecords(db, TEST_BASE_ID, tasks.id)).map((r) => r.id)).not.toContain(
        'recLocalOnly000001',
      )
    })
  }
})

describe('bad days', () => {
  test('an expired offset restarts that table and the mirror is still exact', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1))
    await using running = await startTestEmulator({
      bases: [buildTestBase({ rows: 350, clock })],
      clock,
      iteratorTtlMs: 60_000,
    })
    const backend = testBackends()[0]
    if (backend === undefined) throw new Error('no backend')
    await using db = await backend.open()
    const client = testClient(running)
    let expired = false
    const result = await runFullSync({
      db,
      airtable: client,
      baseId: TEST_BASE_ID,
      views: false,
      onProgress: (e) => {
        // After the first page of Tasks, every iterator the emulator holds goes stale.
        if (e.type === 'page' && e.tableName === 'Tasks' && e.pages === 2 && !expired) {
          expired = true
          clock.advance(120_000)
        }
      },
    })
    const tasks = result.tables.find((t) => t.tableName === 'Tasks')
    expect(tasks?.restarts).toBe(1)
    expect(tasks?.records).toBe(350)
    expect(await mirrorRecords(db, TEST_BASE_ID, tasks?.tableId ?? '')).toEqual(
      await upstreamRecords(client, TEST_BASE_ID, tasks?.tableId ?? ''),
    )
  })

  test('a storm of 429 and 5xx answers still completes', async () => {
    let draw = 0
    // Deterministic "random": a third of requests fail.
    const random = (): number => [0.1, 0.6, 0.9][draw++ % 3] ?? 0.5
    await using running = await startTestEmulator({
      bases: [buildTestBase({ rows: 420 })],
      random,
      faults: { errorRate: 0.34 },
    })
    const backend = testBackends()[0]
    if (backend === undefined) throw new Error('no backend')
    await using db = await backend.open()
    const client = testClient(running)
    const result = await runFullSync({ db, airtable: client, baseId: TEST_BASE_ID })
    running.emulator.faults.set({ errorRate: 0 })
    const { byStatus } = running.emulator.stats.snapshot()
    const failed = ['429', '500', '502', '503'].reduce((n, k) => n + (byStatus[k] ?? 0), 0)
    expect(failed).toBeGreaterThan(3)
    const tasks = result.tables.find((t) => t.tableName === 'Tasks')
    expect(tasks?.records).toBe(420)
    expect(await mirrorRecords(db, TEST_BASE_ID, tasks?.tableId ?? '')).toEqual(
      await upstreamRecords(client, TEST_BASE_ID, tasks?.tableId ?? ''),
    )
  })

  test('a table that keeps failing fails the sync with FullSyncError; the others are synced', async () => {
    await using running = await startTestEmulator({ bases: [buildTestBase({ rows: 10 })] })
    const backend = testBackends()[0]
    if (backend === undefined) throw new Error('no backend')
    await using db = await backend.open()
    // Listing Tasks is sent to a table that does not exist: a real 404 from the emulator.
    const client = testClient(running, {}, (url, init) =>
      fetch(
        url.replace(/\/v0\/(app\w+)\/(tbl\w+)\?/, (m, base: string, table: string) =>
          running.emulator.bases
            .require(base)
            .schema()
            .tables.find((t) => t.id === table)?.name === 'Tasks'
            ? `/v0/${base}/tblDoesNotExist0000?`
            : m,
        ),
        init,
      ),
    )
    const error = await runFullSync({ db, airtable: client, baseId: TEST_BASE_ID }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(FullSyncError)
    const failure = error as FullSyncError
    expect(failure.failures.map((f) => f.tableName)).toEqual(['Tasks'])
    expect(failure.synced.map((t) => t.tableName)).toEqual(['People'])
    const states = await listTableSyncStates(db, TEST_BASE_ID)
    expect(states.map((s) => s.status).sort()).toEqual(['error', 'ready'])
    expect((await getBaseSyncState(db, TEST_BASE_ID))?.lastFullSyncAt).toBeUndefined()
  })
}, 60_000)
