import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { MutationOp } from '../store/index.ts'
import { planRound, type PlannedRequest } from './batch.ts'
import { coalesce, type CoalescedMutation, type PendingMutation } from './coalesce.ts'
import { replaceTempLinks, tempLinksOf } from './temp-links.ts'
import { applyToModel, pending, type RecordModel } from './testing.ts'

/** `recXXXXXXXXXXXXXN`: a real-looking record ID. */
const rid = (n: number): string => `rec${String(n).padStart(14, '0')}`
/** `tmpXXXXXXXXXXXXXN`: a temporary ID as the write API makes them. */
const tmp = (n: number): string => `tmp${String(n).padStart(14, '0')}`

function plan(list: PendingMutation[], options: Parameters<typeof planRound>[1] = {}) {
  return planRound(coalesce(list).mutations, options)
}
const shapeOf = (r: PlannedRequest): [string, string, number] => [
  r.tableId,
  r.kind,
  r.mutations.length,
]

describe('planRound: examples', () => {
  test('25 updates of one table: 10 + 10 + 5', () => {
    const list = Array.from({ length: 25 }, (_, i) =>
      pending({ mutationId: `m${i}`, op: 'update', recordId: rid(i), fields: { f: i } }),
    )
    expect(plan(list).requests.map(shapeOf)).toEqual([
      ['tblA', 'update', 10],
      ['tblA', 'update', 10],
      ['tblA', 'update', 5],
    ])
  })

  test('split by table, kind and typecast', () => {
    const list = [
      pending({ mutationId: 'm1', op: 'update', recordId: rid(1), fields: { f: 1 } }),
      pending({ mutationId: 'm2', op: 'replace', recordId: rid(2), fields: { f: 1 } }),
      pending({ mutationId: 'm3', op: 'delete', recordId: rid(3) }),
      pending({ mutationId: 'm4', op: 'create', tempRecordId: 'tmp4', fields: { f: 1 } }),
      pending({
        mutationId: 'm5',
        op: 'update',
        recordId: rid(5),
        fields: { f: 1 },
        typecast: true,
      }),
      pending({
        mutationId: 'm6',
        op: 'update',
        recordId: rid(6),
        fields: { f: 1 },
        tableId: 'tblB',
      }),
    ]
    const kinds = plan(list).requests.map((r) => `${r.tableId}:${r.kind}:${String(r.typecast)}`)
    expect(kinds.sort()).toEqual([
      'tblA:create:false',
      'tblA:delete:false',
      'tblA:replace:false',
      'tblA:update:false',
      'tblA:update:true',
      'tblB:update:false',
    ])
  })

  test('creates with merge fields, their own or the table’s, go through upsert', () => {
    const list = [
      pending({
        mutationId: 'm1',
        op: 'create',
        tempRecordId: 't1',
        fields: { fE: 'a' },
        mergeFieldIds: ['fE'],
      }),
      pending({
        mutationId: 'm2',
        op: 'create',
        tempRecordId: 't2',
        fields: { fK: 'b' },
        tableId: 'tblB',
      }),
    ]
    const requests = plan(list, { mergeFieldIdsByTable: { tblB: ['fK'] } }).requests
    expect(requests.map((r) => [r.tableId, r.kind, r.mergeFieldIds])).toEqual([
      ['tblA', 'upsert', ['fE']],
      ['tblB', 'upsert', ['fK']],
    ])
  })

  test('two upserts with the same merge values never share a request', () => {
    const list = [
      pending({
        mutationId: 'm1',
        op: 'create',
        tempRecordId: 't1',
        fields: { fE: 'a' },
        mergeFieldIds: ['fE'],
      }),
      pending({
        mutationId: 'm2',
        op: 'create',
        tempRecordId: 't2',
        fields: { fE: 'a' },
        mergeFieldIds: ['fE'],
      }),
    ]
    const round = plan(list)
    expect(round.requests.flatMap((r) => r.mutations.map((m) => m.mutationIds[0]))).toEqual(['m1'])
    expect(round.waiting).toBe(1)
  })

  test('a record waits while an earlier mutation of it is in flight or ahead in the queue', () => {
    const list = [
      pending({
        mutationId: 'm1',
        op: 'update',
        recordId: rid(1),
        fields: { f: 1 },
        state: 'sending',
      }),
      pending({ mutationId: 'm2', op: 'update', recordId: rid(1), fields: { f: 2 } }),
      pending({ mutationId: 'm3', op: 'delete', recordId: rid(2) }),
      pending({ mutationId: 'm4', op: 'update', recordId: rid(2), fields: { f: 3 } }),
    ]
    const round = plan(list)
    expect(round.requests.flatMap((r) => r.mutations.flatMap((m) => m.mutationIds))).toEqual(['m3'])
    expect(round.waiting).toBe(2)
  })

  test('an update of a temporary record with no create before it is unresolved', () => {
    const round = plan([
      pending({ mutationId: 'm1', op: 'update', recordId: 'tmpGone', fields: { f: 1 } }),
    ])
    expect(round.requests).toEqual([])
    expect(round.unresolved.map((m) => m.mutationIds)).toEqual([['m1']])
  })

  test('a link to a create among the entries waits for it; to no create, it is unresolved', () => {
    const [tmpA, tmpGone] = [tmp(1), tmp(2)]
    const round = plan(
      [
        pending({ mutationId: 'm1', op: 'create', tempRecordId: tmpA, fields: { f: 1 } }),
        pending({ mutationId: 'm2', op: 'update', recordId: rid(1), fields: { fL: [tmpA] } }),
        pending({ mutationId: 'm3', op: 'update', recordId: rid(1), fields: { f: 2 } }),
        pending({
          mutationId: 'm4',
          op: 'create',
          tempRecordId: tmp(3),
          fields: { fL: [tmpGone] },
        }),
        pending({ mutationId: 'm5', op: 'update', recordId: rid(2), fields: { fS: [tmpGone] } }),
      ],
      { linkFieldIds: new Set(['fL']) },
    )
    // m2 and m3 coalesced wait for m1; m5's list is not a link field: it is sent.
    expect(round.requests.flatMap((r) => r.mutations.flatMap((m) => m.mutationIds))).toEqual([
      'm1',
      'm5',
    ])
    expect(round.waiting).toBe(1)
    expect(round.unresolved.map((m) => m.mutationIds)).toEqual([['m4']])
  })

  test('two creates linked to each other by later updates never wait for each other', () => {
    const [tmpA, tmpC] = [tmp(11), tmp(12)]
    let remaining = coalesce([
      pending({ mutationId: 'a', op: 'create', tempRecordId: tmpA, fields: { f: 1 } }),
      pending({ mutationId: 'c', op: 'create', tempRecordId: tmpC, fields: { f: 2 } }),
      pending({ mutationId: 'a2', op: 'update', recordId: tmpA, fields: { fL: [tmpC] } }),
      pending({ mutationId: 'c2', op: 'update', recordId: tmpC, fields: { fL: [tmpA] } }),
    ]).mutations
    const rounds: string[][] = []
    const real = new Map<string, string>()
    while (remaining.length > 0 && rounds.length < 5) {
      const round = planRound(remaining)
      const sent = round.requests.flatMap((r) => r.mutations)
      rounds.push(sent.flatMap((m) => m.mutationIds))
      for (const m of sent)
        if (m.tempRecordId) real.set(m.tempRecordId, `rec${m.tempRecordId.slice(3)}`)
      // As the writer does once the creates commit: their IDs, as records and in links.
      remaining = remaining
        .filter((m) => !sent.includes(m))
        .map((m) => ({
          ...m,
          recordId: real.get(m.recordId ?? '') ?? m.recordId,
          fields: replaceTempLinks(m.fields, real),
        }))
    }
    expect(rounds).toEqual([
      ['a', 'c'],
      ['a2', 'c2'],
    ])
  })

  test('tables take turns, and the next round starts after the table served last', () => {
    const list = [
      ...Array.from({ length: 40 }, (_, i) =>
        pending({ mutationId: `a${i}`, op: 'update', recordId: rid(i), fields: { f: i } }),
      ),
      pending({
        mutationId: 'b1',
        op: 'update',
        recordId: rid(100),
        fields: { f: 1 },
        tableId: 'tblB',
      }),
      pending({
        mutationId: 'c1',
        op: 'update',
        recordId: rid(200),
        fields: { f: 1 },
        tableId: 'tblC',
      }),
    ]
    const first = plan(list, { maxRequests: 2 })
    expect(first.requests.map((r) => r.tableId)).toEqual(['tblA', 'tblB'])
    const second = plan(list, { maxRequests: 2, afterTableId: first.lastTableId })
    expect(second.requests.map((r) => r.tableId)).toEqual(['tblC', 'tblA'])
  })
})

interface Step {
  table: 'tblA' | 'tblB' | 'tblC'
  record: number
  op: MutationOp
  typecast: boolean
}
const stepArb: fc.Arbitrary<Step> = fc.record({
  table: fc.constantFrom('tblA' as const, 'tblB' as const, 'tblC' as const),
  record: fc.integer({ min: 0, max: 14 }),
  op: fc.constantFrom<MutationOp>('update', 'replace', 'delete', 'create'),
  typecast: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
})

function mutationsOf(steps: readonly Step[]): PendingMutation[] {
  return steps.map((s, i) =>
    pending({
      mutationId: `m${i}`,
      tableId: s.table,
      op: s.op,
      ...(s.op === 'create' ? { tempRecordId: `tmp${i}` } : { recordId: rid(s.record) }),
      fields: s.op === 'delete' ? undefined : { f: i },
      typecast: s.typecast,
    }),
  )
}

describe('planRound: properties', () => {
  test('rounds until empty: ≤10 per request, one entry per record per round, per-record order kept', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 120 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 10 }),
        (steps, maxRequests, maxRecordsPerRequest) => {
          const mutations = mutationsOf(steps)
          let remaining: CoalescedMutation[] = coalesce(mutations).mutations
          const sentOrder: CoalescedMutation[] = []
          let after: string | undefined
          for (let round = 0; remaining.length > 0; round++) {
            expect(round).toBeLessThan(1000)
            const p = planRound(remaining, {
              maxRequests,
              maxRecordsPerRequest,
              afterTableId: after,
            })
            after = p.lastTableId
            expect(p.requests.length).toBeGreaterThan(0)
            expect(p.requests.length).toBeLessThanOrEqual(maxRequests)
            const keys = p.requests.flatMap((r) => r.mutations.map((m) => m.key))
            expect(new Set(keys).size).toBe(keys.length)
            for (const request of p.requests) {
              expect(request.mutations.length).toBeGreaterThan(0)
              expect(request.mutations.length).toBeLessThanOrEqual(maxRecordsPerRequest)
              for (const m of request.mutations) {
                expect(m.tableId).toBe(request.tableId)
                expect(m.typecast).toBe(request.typecast)
              }
            }
            const sent = new Set(p.requests.flatMap((r) => r.mutations))
            sentOrder.push(...sent)
            remaining = remaining.filter((m) => !sent.has(m))
          }
          const byKey = new Map<string, number[]>()
          for (const m of sentOrder) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.position])
          for (const positions of byKey.values()) {
            expect(positions).toEqual([...positions].sort((a, b) => a - b))
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  test('coalesce then rounds, applied in send order, end as the mutations applied one by one', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 80 }),
        fc.integer({ min: 1, max: 4 }),
        (steps, maxRequests) => {
          const mutations = mutationsOf(steps)
          const initial = (): RecordModel =>
            new Map(Array.from({ length: 15 }, (_, n) => [`tblA/${rid(n)}`, { g: n }]))
          const expected = initial()
          for (const m of mutations) {
            applyToModel(expected, {
              key: `${m.tableId}/${m.recordId ?? m.tempRecordId}`,
              op: m.op,
              fields: m.fields,
            })
          }
          const actual = initial()
          let remaining = coalesce(mutations).mutations
          let after: string | undefined
          while (remaining.length > 0) {
            const round = planRound(remaining, { maxRequests, afterTableId: after })
            after = round.lastTableId
            // Requests of one round may complete in any order: apply them last-first.
            for (const request of [...round.requests].reverse()) {
              for (const m of request.mutations) applyToModel(actual, m)
            }
            const sent = new Set(round.requests.flatMap((r) => r.mutations))
            remaining = remaining.filter((m) => !sent.has(m))
          }
          expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected))
        },
      ),
      { numRuns: 200 },
    )
  })

  test('links to temporary IDs: never sent before their create, then sent with its real ID', () => {
    const linkStep = fc.record({
      create: fc.boolean(),
      record: fc.integer({ min: 0, max: 9 }),
      // A link to an earlier step's create (if it was one), or to a create that never was.
      target: fc.integer({ min: -1, max: 40 }),
    })
    fc.assert(
      fc.property(
        fc.array(linkStep, { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        (steps, maxRequests) => {
          const creates = new Set<string>()
          const mutations = steps.map((s, i) => {
            const link = s.target >= 0 && s.target < i ? tmp(s.target) : tmp(1000 + i)
            const fields = { fL: [link, rid(99)] }
            const m = s.create
              ? pending({ mutationId: `m${i}`, op: 'create', tempRecordId: tmp(i), fields })
              : pending({ mutationId: `m${i}`, op: 'update', recordId: rid(s.record), fields })
            if (s.create) creates.add(tmp(i))
            return m
          })
          const real = new Map<string, string>()
          const failed = new Set<string>()
          let remaining = coalesce(mutations).mutations
          while (remaining.length > 0) {
            const round = planRound(remaining, { maxRequests })
            const sent = round.requests.flatMap((r) => r.mutations)
            expect(sent.length + round.unresolved.length).toBeGreaterThan(0)
            for (const m of sent) {
              expect(tempLinksOf(m.fields)).toEqual([])
              if (m.tempRecordId !== undefined)
                real.set(m.tempRecordId, `rec${m.tempRecordId.slice(3)}`)
            }
            // Unresolved: it names a create that never was, or one that was unresolved itself.
            for (const m of round.unresolved) {
              expect(tempLinksOf(m.fields).some((t) => !creates.has(t) || failed.has(t))).toBe(true)
              if (m.tempRecordId !== undefined) failed.add(m.tempRecordId)
            }
            const done = new Set([...sent, ...round.unresolved])
            remaining = remaining
              .filter((m) => !done.has(m))
              .map((m) => ({ ...m, fields: replaceTempLinks(m.fields, real) }))
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
