/**
 * The outbox writer against a real emulator (port 0) over PGlite, and PostgreSQL with
 * DATABASE_URL: batching, coalescing, per-record order, temporary IDs, retries, exactly-once
 * creates after commit-then-fail, refused writes, every conflict policy (with the audit log
 * showing it), and one writer per base.
 */
import { describe, expect, test } from 'vitest'
import type { RunningEmulator } from '../src/emulator/index.ts'
import { TEST_BASE_ID } from '../src/emulator/test-base.ts'
import {
  resolveHeldConflict,
  type ConflictPolicy,
  type ConflictPolicyDocument,
} from '../src/outbox/index.ts'
import {
  getRecord,
  listConflicts,
  queryAudit,
  readChangesAfter,
  type Db,
} from '../src/store/index.ts'
import { testBackends } from '../src/store/test-backends.ts'
import {
  countingClient,
  enqueue,
  fieldId,
  mirrorBase,
  mutationsById,
  opsEdit,
  startWriterEmulator,
  tempId,
  testWriter,
  waitFor,
} from './outbox-writer-fixture.ts'

interface Setup extends AsyncDisposable {
  running: RunningEmulator
  db: Db
  base: Awaited<ReturnType<typeof mirrorBase>>
  counts: Map<string, number>
  client: ReturnType<typeof countingClient>['client']
  /** A client for checking the emulator, not counted. */
  reader: ReturnType<typeof countingClient>['client']
}

async function setup(open: () => Promise<Db & AsyncDisposable>): Promise<Setup> {
  const running = await startWriterEmulator()
  const db = await open()
  const { client, counts } = countingClient(running)
  const reader = countingClient(running, { maxAttempts: 3 }).client
  const base = await mirrorBase(db, reader)
  return {
    running,
    db,
    base,
    counts,
    client,
    reader,
    async [Symbol.asyncDispose]() {
      await db.close()
      await running.close()
    },
  }
}

const idsOf = (s: Setup, n: number): string[] =>
  s.running.emulator.bases
    .require(TEST_BASE_ID)
    .list('Tasks')
    .slice(0, n)
    .map((r) => r.id)

const REASON = 'test'
const POLICIES: ConflictPolicyDocument = {
  defaultPolicy: { policy: 'remote-wins', reason: REASON },
  tables: {
    Tasks: {
      policy: 'remote-wins',
      reason: REASON,
      fields: {
        Status: { policy: 'remote-wins', reason: REASON },
        Notes: { policy: 'local-wins', reason: REASON },
        Priority: { policy: 'latest-wins', reason: REASON },
        Owner: { policy: 'merge-sets', reason: REASON },
        Name: { policy: 'manual', reason: REASON },
      },
    },
  },
}

/** Link values are People indexes, turned into record IDs in the test. */
const CONFLICT_CASES: {
  field: string
  policy: ConflictPolicy
  order: 'ops first' | 'app first'
  remote: unknown
  local: unknown
  expected: unknown
  resolution: 'remote' | 'local' | 'merged' | 'held'
}[] = [
  {
    field: 'Status',
    policy: 'remote-wins',
    order: 'app first',
    remote: 'Doing',
    local: 'Done',
    expected: 'Doing',
    resolution: 'remote',
  },
  {
    field: 'Notes',
    policy: 'local-wins',
    order: 'ops first',
    remote: 'ops note',
    local: 'app note',
    expected: 'app note',
    resolution: 'local',
  },
  {
    field: 'Priority',
    policy: 'latest-wins',
    order: 'app first',
    remote: 7,
    local: 8,
    expected: 7,
    resolution: 'remote',
  },
  {
    field: 'Priority',
    policy: 'latest-wins',
    order: 'ops first',
    remote: 7,
    local: 8,
    expected: 8,
    resolution: 'local',
  },
  {
    field: 'Owner',
    policy: 'merge-sets',
    order: 'ops first',
    remote: [0],
    local: [1],
    expected: [0, 1],
    resolution: 'merged',
  },
  {
    field: 'Name',
    policy: 'manual',
    order: 'ops first',
    remote: 'ops name',
    local: 'app name',
    expected: 'app name',
    resolution: 'held',
  },
]

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const upstreamCells = (s: Setup, id: string): Record<string, unknown> =>
  s.running.emulator.bases.require(TEST_BASE_ID).get('Tasks', id).cells

for (const backend of testBackends()) {
  describe(backend.name, () => {
    test('25 updates go as 3 requests; mirror and feed take Airtable’s answer', async () => {
      await using s = await setup(() => backend.open())
      const name = fieldId(s.base.tasks, 'Name')
      const ids = idsOf(s, 25)
      const mutationIds = await enqueue(
        s.db,
        ids.map((recordId, i) => ({
          tableId: s.base.tasks.id,
          recordId,
          op: 'update' as const,
          fields: { [name]: `Renamed ${i}` },
        })),
      )
      await using writer = testWriter(s.db, { airtable: s.client, schema: s.base.schema })
      void writer.run()
      await writer.drain()
      expect(s.counts.get('updateRecords')).toBe(3)
      const rows = await mutationsById(s.db, mutationIds)
      expect(rows.map((r) => r.state)).toEqual(rows.map(() => 'committed'))
      const label = fieldId(s.base.tasks, 'Label')
      const mirrored = await getRecord(s.db, {
        baseId: TEST_BASE_ID,
        tableId: s.base.tasks.id,
        id: ids[3]!,
      })
      // The formula field comes from Airtable's answer, not the optimistic write.
      expect(String(mirrored?.fields[label])).toMatch(/^Renamed 3 \(/)
      const feed = await readChangesAfter(s.db, { afterSeq: 0, limit: 10_000 })
      const settled = feed.filter((c) => c.kind === 'mutation')
      expect(settled).toHaveLength(25)
      // Requests land concurrently: the feed is in commit order, not queue order.
      const first = settled.find((c) => c.mutationId === mutationIds[0])
      expect(first?.data).toMatchObject({ state: 'committed', recordId: ids[0] })
      const audit = await queryAudit(s.db, { mutationId: mutationIds[0]! })
      expect(audit.map((a) => a.action)).toEqual(['ack', 'send'])
      expect(audit[0]).toMatchObject({ outcome: 'committed', attempts: 1 })
      expect(audit[0]?.latencyMs).toBeGreaterThanOrEqual(0)
    })

    test('a record’s updates are coalesced in order; a create takes its temporary ID’s updates', async () => {
      await using s = await setup(() => backend.open())
      const name = fieldId(s.base.tasks, 'Name')
      const priority = fieldId(s.base.tasks, 'Priority')
      const [id] = idsOf(s, 1)
      const temp = tempId()
      const table = s.base.tasks.id
      await enqueue(s.db, [
        { tableId: table, recordId: id, op: 'update', fields: { [name]: 'first' } },
        { tableId: table, recordId: id, op: 'update', fields: { [priority]: 4 } },
        { tableId: table, tempRecordId: temp, op: 'create', fields: { [name]: 'new one' } },
        { tableId: table, recordId: id, op: 'update', fields: { [name]: 'last' } },
        { tableId: table, recordId: temp, op: 'update', fields: { [priority]: 2 } },
      ])
      await using writer = testWriter(s.db, { airtable: s.client, schema: s.base.schema })
      void writer.run()
      await writer.drain()
      expect(s.counts.get('updateRecords')).toBe(1)
      expect(s.counts.get('createRecords')).toBe(1)
      const upstream = s.running.emulator.bases.require(TEST_BASE_ID)
      expect(upstream.get('Tasks', id!).cells).toMatchObject({ [name]: 'last', [priority]: 4 })
      const created = upstream.list('Tasks').filter((r) => r.cells[name] === 'new one')
      expect(created).toHaveLength(1)
      expect(created[0]?.cells[priority]).toBe(2)
      // The temporary row became the real one.
      const mirror = { baseId: TEST_BASE_ID, tableId: table }
      expect(await getRecord(s.db, { ...mirror, id: temp })).toBeUndefined()
      expect((await getRecord(s.db, { ...mirror, id: created[0]!.id }))?.fields[name]).toBe(
        'new one',
      )
      // A write naming the temporary ID after the create committed lands on the real record.
      const [late] = await enqueue(s.db, [
        { tableId: table, recordId: temp, op: 'update', fields: { [priority]: 1 } },
      ])
      await writer.drain()
      expect(upstream.get('Tasks', created[0]!.id).cells[priority]).toBe(1)
      expect((await mutationsById(s.db, [late!]))[0]).toMatchObject({
        state: 'committed',
        recordId: created[0]!.id,
      })
    })

    test('a 5xx is retried with backoff until it lands', async () => {
      await using s = await setup(() => backend.open())
      const name = fieldId(s.base.tasks, 'Name')
      const [id] = idsOf(s, 1)
      s.running.emulator.faults.set({ errorRate: 1, errorStatuses: [503] })
      const [mutationId] = await enqueue(s.db, [
        { tableId: s.base.tasks.id, recordId: id, op: 'update', fields: { [name]: 'eventually' } },
      ])
      await using writer = testWriter(s.db, { airtable: s.client, schema: s.base.schema })
      void writer.run()
      await waitFor(
        async () =>
          (await queryAudit(s.db, { mutationId: mutationId! })).some((a) => a.action === 'retry'),
        'a retry',
      )
      s.running.emulator.faults.set({})
      await writer.drain()
      const [row] = await mutationsById(s.db, [mutationId!])
      expect(row?.state).toBe('committed')
      expect(row?.attempts).toBeGreaterThanOrEqual(2)
      expect(upstreamCells(s, id!)[name]).toBe('eventually')
    })

    test.each([
      { via: 'reconciliation', mergeFields: undefined },
      { via: 'performUpsert', mergeFields: { Tasks: ['Name'] } },
    ])(
      'a create that committed and then failed is not duplicated ($via)',
      async ({ mergeFields }) => {
        await using s = await setup(() => backend.open())
        const name = fieldId(s.base.tasks, 'Name')
        s.running.emulator.faults.set({ commitThenFailRate: 1 })
        const temp = tempId()
        const [mutationId] = await enqueue(s.db, [
          {
            tableId: s.base.tasks.id,
            tempRecordId: temp,
            op: 'create',
            fields: { [name]: 'once' },
          },
        ])
        await using writer = testWriter(s.db, {
          airtable: s.client,
          schema: s.base.schema,
          ...(mergeFields !== undefined && { mergeFields }),
        })
        void writer.run()
        await waitFor(
          async () => (await queryAudit(s.db, { mutationId: mutationId! })).length >= 2,
          'a first attempt',
        )
        s.running.emulator.faults.set({})
        await writer.drain()
        const upstream = s.running.emulator.bases.require(TEST_BASE_ID)
        const made = upstream.list('Tasks').filter((r) => r.cells[name] === 'once')
        expect(made).toHaveLength(1)
        const [row] = await mutationsById(s.db, [mutationId!])
        expect(row).toMatchObject({ state: 'committed', recordId: made[0]!.id })
        const actions = (await queryAudit(s.db, { mutationId: mutationId! })).map((a) => a.action)
        if (mergeFields === undefined) {
          // Never re-sent blindly: the outcome was unknown and the search found the record.
          expect(actions).toContain('outcome-unknown')
          expect(actions).toContain('reconcile-found')
          expect(s.counts.get('createRecords')).toBe(1)
        } else {
          expect(actions).toContain('retry')
          expect(s.counts.get('upsertRecords')).toBeGreaterThanOrEqual(2)
        }
        const mirror = { baseId: TEST_BASE_ID, tableId: s.base.tasks.id }
        expect(await getRecord(s.db, { ...mirror, id: made[0]!.id })).toBeDefined()
        expect(await getRecord(s.db, { ...mirror, id: temp })).toBeUndefined()
      },
    )

    test('a refused write fails alone and the mirror goes back to Airtable’s value', async () => {
      await using s = await setup(() => backend.open())
      const name = fieldId(s.base.tasks, 'Name')
      const priority = fieldId(s.base.tasks, 'Priority')
      const [good, bad] = idsOf(s, 2)
      const before = upstreamCells(s, bad!)
      const table = s.base.tasks.id
      const temp = tempId()
      const ids = await enqueue(s.db, [
        { tableId: table, recordId: good, op: 'update', fields: { [name]: 'fine' } },
        { tableId: table, recordId: bad, op: 'update', fields: { [priority]: 'not a number' } },
        { tableId: table, tempRecordId: temp, op: 'create', fields: { [priority]: 'nope' } },
      ])
      await using writer = testWriter(s.db, { airtable: s.client, schema: s.base.schema })
      void writer.run()
      await writer.drain()
      const rows = await mutationsById(s.db, ids)
      expect(rows.map((r) => r.state)).toEqual(['committed', 'failed', 'failed'])
      expect(rows[1]?.lastError).toMatchObject({ type: 'INVALID_VALUE_FOR_COLUMN', status: 422 })
      const mirror = { baseId: TEST_BASE_ID, tableId: table }
      expect((await getRecord(s.db, { ...mirror, id: bad! }))?.fields[priority]).toBe(
        before[priority],
      )
      expect(await getRecord(s.db, { ...mirror, id: temp })).toBeUndefined()
      const feed = await readChangesAfter(s.db, { afterSeq: 0, limit: 10_000 })
      const failed = feed.find((c) => c.kind === 'mutation' && c.mutationId === ids[1])
      expect(failed?.data).toMatchObject({ state: 'failed', error: { status: 422 } })
      const audit = await queryAudit(s.db, { mutationId: ids[1]! })
      expect(audit[0]).toMatchObject({ action: 'fail', outcome: 'failed' })
    })

    test('a link to a queued create waits for it and is sent with its real ID; other records flow', async () => {
      await using s = await setup(() => backend.open())
      const owner = fieldId(s.base.tasks, 'Owner')
      const name = fieldId(s.base.tasks, 'Name')
      const [linked, other] = idsOf(s, 2)
      const temp = tempId()
      const tasks = s.base.tasks.id
      const ids = await enqueue(s.db, [
        {
          tableId: s.base.people.id,
          tempRecordId: temp,
          op: 'create',
          fields: { [fieldId(s.base.people, 'Name')]: 'Dee' },
        },
        { tableId: tasks, recordId: linked, op: 'update', fields: { [owner]: [temp] } },
        { tableId: tasks, recordId: linked, op: 'update', fields: { [name]: 'after the link' } },
        { tableId: tasks, recordId: other, op: 'update', fields: { [name]: 'flows' } },
      ])
      await using writer = testWriter(s.db, { airtable: s.client, schema: s.base.schema })
      void writer.run()
      await writer.drain()
      const rows = await mutationsById(s.db, ids)
      expect(rows.map((r) => r.state)).toEqual(['committed', 'committed', 'committed', 'committed'])
      const real = rows[0]?.recordId ?? ''
      expect(real).toMatch(/^rec/)
      expect(upstreamCells(s, linked!)).toMatchObject({ [owner]: [real], [name]: 'after the link' })
      expect(upstreamCells(s, other!)[name]).toBe('flows')
      // The outbox row and the mirror name Airtable's ID; the feed told the mirror's change.
      expect(rows[1]?.fields).toEqual({ [owner]: [real] })
      const mirror = { baseId: TEST_BASE_ID, tableId: tasks }
      expect((await getRecord(s.db, { ...mirror, id: linked! }))?.fields[owner]).toEqual([real])
      const feed = await readChangesAfter(s.db, { afterSeq: 0, limit: 10_000 })
      const relinked = feed.find(
        (c) => c.kind === 'updated' && c.recordId === linked && c.mutationId === ids[0],
      )
      expect(relinked).toMatchObject({ source: 'outbox', changedFieldIds: [owner] })
      expect(relinked?.before?.[owner]).toEqual([temp])
      expect(relinked?.after?.[owner]).toEqual([real])
    })

    test('a link to a create Airtable refuses fails (ROW_DOES_NOT_EXIST) and goes back', async () => {
      await using s = await setup(() => backend.open())
      const owner = fieldId(s.base.tasks, 'Owner')
      const name = fieldId(s.base.tasks, 'Name')
      const [linked] = idsOf(s, 1)
      const before = upstreamCells(s, linked!)
      const [temp, taskTemp] = [tempId(), tempId()]
      const tasks = s.base.tasks.id
      const ids = await enqueue(s.db, [
        {
          tableId: s.base.people.id,
          tempRecordId: temp,
          op: 'create',
          fields: { fldNoSuchField001: 'refused' },
        },
        { tableId: tasks, recordId: linked, op: 'update', fields: { [owner]: [temp] } },
        {
          tableId: tasks,
          tempRecordId: taskTemp,
          op: 'create',
          fields: { [name]: 'linked to nothing', [owner]: [temp] },
        },
      ])
      await using writer = testWriter(s.db, { airtable: s.client, schema: s.base.schema })
      void writer.run()
      await writer.drain()
      const rows = await mutationsById(s.db, ids)
      expect(rows.map((r) => r.state)).toEqual(['failed', 'failed', 'failed'])
      for (const row of rows.slice(1)) {
        expect(row.lastError).toMatchObject({
          type: 'ROW_DOES_NOT_EXIST',
          message: `Record ID ${temp} does not exist in this table: its create did not reach Airtable`,
          status: 422,
        })
      }
      // Only the refused create reached Airtable; the mirror is back to Airtable's values.
      expect(s.counts.get('createRecords')).toBe(1)
      expect(s.counts.get('updateRecords')).toBeUndefined()
      expect(upstreamCells(s, linked!)).toEqual(before)
      const mirror = { baseId: TEST_BASE_ID, tableId: tasks }
      expect((await getRecord(s.db, { ...mirror, id: linked! }))?.fields[owner]).toEqual(
        before[owner],
      )
      expect(await getRecord(s.db, { ...mirror, id: taskTemp })).toBeUndefined()
    })

    test.each(CONFLICT_CASES)(
      'conflict: $policy on $field ($order) → $resolution',
      async ({ field, policy, order, remote, local, expected, resolution }) => {
        await using s = await setup(() => backend.open())
        const fid = fieldId(s.base.tasks, field)
        const [id] = idsOf(s, 1)
        const people = s.running.emulator.bases.require(TEST_BASE_ID).list('People')
        const link = (i: number): string => people[i]!.id
        const value = (v: unknown): unknown =>
          Array.isArray(v) ? v.map((i) => link(i as number)) : v
        const base = upstreamCells(s, id!)[fid] ?? null
        const opsEditNow = (): Promise<void> =>
          opsEdit(s.running, { table: 'Tasks', id: id!, fields: { [field]: value(remote) } })
        const queue = (): Promise<string[]> =>
          enqueue(s.db, [
            {
              tableId: s.base.tasks.id,
              recordId: id,
              op: 'update',
              fields: { [fid]: value(local) },
              baseFields: { [fid]: base },
            },
          ])
        let mutationId: string | undefined
        if (order === 'ops first') {
          await opsEditNow()
          await sleep(30)
          ;[mutationId] = await queue()
        } else {
          ;[mutationId] = await queue()
          await sleep(30)
          await opsEditNow()
        }
        await using writer = testWriter(s.db, {
          airtable: s.client,
          schema: s.base.schema,
          conflictPolicies: POLICIES,
        })
        void writer.run()
        await writer.drain()
        const [conflict] = await listConflicts(s.db, { baseId: TEST_BASE_ID })
        expect(conflict).toMatchObject({ policy, fieldIds: [fid], recordId: id })
        const audit = await queryAudit(s.db, { mutationId: mutationId! })
        const entry = audit.find((a) => a.action === 'conflict')
        expect(entry?.detail).toMatchObject({
          conflictId: conflict?.id,
          fields: [{ fieldId: fid, policy, resolution }],
        })
        if (resolution === 'held') {
          expect(conflict?.status).toBe('open')
          expect((await mutationsById(s.db, [mutationId!]))[0]?.state).toBe('conflict')
          expect(upstreamCells(s, id!)[fid]).toEqual(value(remote))
          const outcome = await resolveHeldConflict(s.db, conflict!.id, {
            choose: 'local',
            by: 'usrAdmin',
          })
          expect(outcome).toBe('requeued')
          await writer.drain()
          const after = await queryAudit(s.db, { mutationId: mutationId! })
          expect(after.map((a) => a.action)).toEqual(
            expect.arrayContaining(['conflict', 'resolve', 'ack']),
          )
        } else {
          expect(conflict).toMatchObject({ status: 'resolved', resolution })
          expect(entry?.outcome).toBe(resolution)
        }
        expect((await mutationsById(s.db, [mutationId!]))[0]?.state).toBe('committed')
        expect(upstreamCells(s, id!)[fid]).toEqual(value(expected))
        const mirrored = await getRecord(s.db, {
          baseId: TEST_BASE_ID,
          tableId: s.base.tasks.id,
          id: id!,
        })
        expect(mirrored?.fields[fid] ?? null).toEqual(value(expected))
      },
    )

    test('two writers on one database: one leads, the other takes over when it stops', async () => {
      await using s = await setup(() => backend.open())
      const name = fieldId(s.base.tasks, 'Name')
      const [id] = idsOf(s, 1)
      const other =
        backend.name === 'postgres'
          ? await (s.db as unknown as { openPeer(): Promise<Db> }).openPeer()
          : s.db
      const second = countingClient(s.running)
      const first = testWriter(s.db, { airtable: s.client, schema: s.base.schema })
      void first.run()
      await waitFor(() => Promise.resolve(first.isLeader), 'a leader')
      await using standby = testWriter(other, { airtable: second.client, schema: s.base.schema })
      void standby.run()
      await enqueue(s.db, [
        { tableId: s.base.tasks.id, recordId: id, op: 'update', fields: { [name]: 'by first' } },
      ])
      await first.drain()
      expect(standby.isLeader).toBe(false)
      expect(second.counts.size).toBe(0)
      await first.stop()
      await waitFor(() => Promise.resolve(standby.isLeader), 'the takeover')
      await enqueue(s.db, [
        { tableId: s.base.tasks.id, recordId: id, op: 'update', fields: { [name]: 'by second' } },
      ])
      await standby.drain()
      expect(second.counts.get('updateRecords')).toBe(1)
      expect(upstreamCells(s, id!)[name]).toBe('by second')
      if (other !== s.db) await other.close()
    })
  })
}
