import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { MutationOp } from '../store/index.ts'
import { coalesce, type PendingMutation } from './coalesce.ts'
import { applyToModel, pending, type RecordModel } from './testing.ts'

const rec = (recordId: string): { recordId: string } => ({ recordId })

describe('coalesce: examples', () => {
  test('PATCHes of one record merge; later values win; null survives as a clear', () => {
    const { mutations } = coalesce([
      pending({ mutationId: 'm1', op: 'update', ...rec('recA'), fields: { f1: 'a', f2: 'b' } }),
      pending({ mutationId: 'm2', op: 'update', ...rec('recB'), fields: { f1: 'x' } }),
      pending({ mutationId: 'm3', op: 'update', ...rec('recA'), fields: { f2: null, f3: 1 } }),
    ])
    expect(mutations.map((m) => [m.op, m.mutationIds, m.fields])).toEqual([
      ['update', ['m1', 'm3'], { f1: 'a', f2: null, f3: 1 }],
      ['update', ['m2'], { f1: 'x' }],
    ])
  })

  test('a PUT replaces what came before; a PATCH after a PUT merges into it', () => {
    const { mutations } = coalesce([
      pending({ mutationId: 'm1', op: 'update', ...rec('recA'), fields: { f1: 'a' } }),
      pending({ mutationId: 'm2', op: 'replace', ...rec('recA'), fields: { f2: 'b' } }),
      pending({ mutationId: 'm3', op: 'update', ...rec('recA'), fields: { f3: 'c' } }),
    ])
    expect(mutations).toHaveLength(1)
    expect(mutations[0]).toMatchObject({ op: 'replace', fields: { f2: 'b', f3: 'c' } })
  })

  test('an update folds into an unsent create of the same temporary record', () => {
    const { mutations } = coalesce([
      pending({ mutationId: 'm1', op: 'create', tempRecordId: 'tmp1', fields: { f1: 'a' } }),
      pending({ mutationId: 'm2', op: 'update', recordId: 'tmp1', fields: { f2: 'b' } }),
    ])
    expect(mutations).toHaveLength(1)
    expect(mutations[0]).toMatchObject({
      op: 'create',
      mutationIds: ['m1', 'm2'],
      fields: { f1: 'a', f2: 'b' },
    })
  })

  test('a create being sent fences its record: the update waits as its own entry', () => {
    const { mutations } = coalesce([
      pending({
        mutationId: 'm1',
        op: 'create',
        tempRecordId: 'tmp1',
        fields: { f1: 'a' },
        state: 'sending',
      }),
      pending({ mutationId: 'm2', op: 'update', recordId: 'tmp1', fields: { f2: 'b' } }),
    ])
    expect(mutations.map((m) => [m.op, m.inFlight])).toEqual([
      ['create', true],
      ['update', false],
    ])
  })

  test('a delete after an unsent create cancels both and everything between', () => {
    const result = coalesce([
      pending({ mutationId: 'm1', op: 'create', tempRecordId: 'tmp1', fields: { f1: 'a' } }),
      pending({ mutationId: 'm2', op: 'update', recordId: 'tmp1', fields: { f2: 'b' } }),
      pending({ mutationId: 'm3', op: 'delete', recordId: 'tmp1' }),
    ])
    expect(result.mutations).toEqual([])
    expect(result.cancelled).toEqual([
      { mutationId: 'm1', by: 'm3' },
      { mutationId: 'm2', by: 'm3' },
      { mutationId: 'm3', by: 'm1' },
    ])
  })

  test('a create through upsert is not cancelled by a delete (it may hit an existing record)', () => {
    const { mutations, cancelled } = coalesce([
      pending({
        mutationId: 'm1',
        op: 'create',
        tempRecordId: 'tmp1',
        mergeFieldIds: ['fE'],
        fields: { fE: 'a@b' },
      }),
      pending({ mutationId: 'm2', op: 'delete', recordId: 'tmp1' }),
    ])
    expect(cancelled).toEqual([])
    expect(mutations.map((m) => m.op)).toEqual(['create', 'delete'])
  })

  test('updates then a delete become the delete, carrying them all', () => {
    const { mutations } = coalesce([
      pending({ mutationId: 'm1', op: 'update', ...rec('recA'), fields: { f1: 'a' } }),
      pending({ mutationId: 'm2', op: 'delete', ...rec('recA') }),
    ])
    expect(mutations).toEqual([
      expect.objectContaining({ op: 'delete', mutationIds: ['m1', 'm2'], fields: {} }),
    ])
  })

  test('nothing merges after a delete, nor across different typecast', () => {
    const { mutations } = coalesce([
      pending({
        mutationId: 'm1',
        op: 'update',
        ...rec('recA'),
        fields: { f1: 'a' },
        typecast: true,
      }),
      pending({ mutationId: 'm2', op: 'update', ...rec('recA'), fields: { f1: 'b' } }),
      pending({ mutationId: 'm3', op: 'delete', ...rec('recB') }),
      pending({ mutationId: 'm4', op: 'update', ...rec('recB'), fields: { f1: 'c' } }),
    ])
    expect(mutations.map((m) => m.mutationIds)).toEqual([['m1'], ['m2'], ['m3'], ['m4']])
  })

  test('upserts with the same merge values merge', () => {
    const { mutations } = coalesce([
      pending({
        mutationId: 'm1',
        op: 'upsert',
        mergeFieldIds: ['fE'],
        fields: { fE: 'a@b', f1: 1 },
      }),
      pending({
        mutationId: 'm2',
        op: 'upsert',
        mergeFieldIds: ['fE'],
        fields: { fE: 'c@d', f1: 2 },
      }),
      pending({
        mutationId: 'm3',
        op: 'upsert',
        mergeFieldIds: ['fE'],
        fields: { fE: 'a@b', f2: 3 },
      }),
    ])
    expect(mutations.map((m) => [m.mutationIds, m.fields])).toEqual([
      [['m1', 'm3'], { fE: 'a@b', f1: 1, f2: 3 }],
      [['m2'], { fE: 'c@d', f1: 2 }],
    ])
  })

  test('base values: the earliest view of each field; edit times: the latest writer of each field', () => {
    const m1 = pending({
      mutationId: 'm1',
      op: 'update',
      ...rec('recA'),
      fields: { f1: 'a' },
      baseFields: { f1: 'old' },
    })
    const m2 = pending({
      mutationId: 'm2',
      op: 'update',
      ...rec('recA'),
      fields: { f1: 'b', f2: 'c' },
      baseFields: { f1: 'a', f2: 'old2' },
    })
    const [merged] = coalesce([m1, m2]).mutations
    expect(merged?.baseFields).toEqual({ f1: 'old', f2: 'old2' })
    expect(merged?.fieldEditedAtMs).toEqual({
      f1: Date.parse(m2.createdAt),
      f2: Date.parse(m2.createdAt),
    })
  })
})

/** A generated step: which record, what op, what values, already in flight or not. */
interface Step {
  key: 'recP1' | 'recP2' | 'tmp1' | 'tmp2'
  op: 'update' | 'replace' | 'delete'
  fields: Record<string, string | null>
  typecast: boolean
  inFlight: boolean
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  key: fc.constantFrom('recP1' as const, 'recP2' as const, 'tmp1' as const, 'tmp2' as const),
  op: fc.constantFrom('update' as const, 'update' as const, 'replace' as const, 'delete' as const),
  fields: fc.dictionary(fc.constantFrom('f1', 'f2', 'f3'), fc.constantFrom('a', 'b', '', null)),
  typecast: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  inFlight: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
})

/** Realistic sequences: a temporary record's first mutation is its create, and only that one. */
function mutationsOf(steps: readonly Step[]): PendingMutation[] {
  const created = new Set<string>()
  return steps.map((step, i) => {
    const temp = step.key.startsWith('tmp')
    const isCreate = temp && !created.has(step.key)
    if (isCreate) created.add(step.key)
    const op: MutationOp = isCreate ? 'create' : step.op
    return pending({
      mutationId: `m${i}`,
      op,
      ...(isCreate ? { tempRecordId: step.key } : { recordId: step.key }),
      fields: op === 'delete' ? undefined : step.fields,
      typecast: step.typecast,
      state: step.inFlight ? 'sending' : 'queued',
    })
  })
}

function initialModel(): RecordModel {
  return new Map([
    ['tblA/recP1', { f1: 'x' }],
    ['tblA/recP2', { f2: 'y' }],
  ])
}

describe('coalesce: properties', () => {
  test('final state of every record equals applying the mutations one by one', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        const mutations = mutationsOf(steps)
        const expected = initialModel()
        for (const m of mutations) {
          applyToModel(expected, {
            key: `tblA/${m.recordId ?? m.tempRecordId}`,
            op: m.op,
            fields: m.fields,
          })
        }
        const actual = initialModel()
        const result = coalesce(mutations)
        for (const entry of result.mutations) applyToModel(actual, entry)
        expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected))
      }),
      { numRuns: 500 },
    )
  })

  test('every mutation is accounted for once; per-record order kept; in-flight untouched', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 30 }), (steps) => {
        const mutations = mutationsOf(steps)
        const result = coalesce(mutations)
        const seen = [
          ...result.mutations.flatMap((m) => m.mutationIds),
          ...result.cancelled.map((c) => c.mutationId),
        ]
        expect([...seen].sort()).toEqual(mutations.map((m) => m.mutationId).sort())
        const positionOf = new Map(mutations.map((m) => [m.mutationId, m.position]))
        const lastByKey = new Map<string, number>()
        for (const entry of result.mutations) {
          const positions = entry.mutationIds.map((id) => positionOf.get(id) ?? -1)
          expect(positions).toEqual([...positions].sort((a, b) => a - b))
          expect(positions[0]).toBeGreaterThan(lastByKey.get(entry.key) ?? 0)
          lastByKey.set(entry.key, positions.at(-1) ?? 0)
          if (entry.inFlight) expect(entry.mutationIds).toHaveLength(1)
        }
      }),
      { numRuns: 300 },
    )
  })
})
