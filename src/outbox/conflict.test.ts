import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Fields } from '../protocol/index.ts'
import { cellsEqual } from './cell-equality.ts'
import {
  mergeSets,
  resolveThreeWay,
  summariseConflicts,
  type ConflictPolicy,
  type ThreeWayInput,
} from './conflict.ts'

function decide(
  policy: ConflictPolicy,
  values: { base: Fields; remote: Fields; local: Fields },
  extra: Partial<ThreeWayInput> = {},
) {
  return resolveThreeWay({ ...values, mode: 'patch', policyFor: () => policy, ...extra })
}

describe('resolveThreeWay: one field, each policy', () => {
  const clash = { base: { f: 'seen' }, remote: { f: 'ops' }, local: { f: 'app' } }
  test.each<[ConflictPolicy, Partial<ThreeWayInput>, Fields, string, boolean]>([
    ['remote-wins', {}, {}, 'remote', false],
    ['local-wins', {}, { f: 'app' }, 'local', false],
    [
      'latest-wins',
      { localEditedAtMs: () => 200, remoteModifiedAtMs: () => 100 },
      { f: 'app' },
      'local',
      false,
    ],
    [
      'latest-wins',
      { localEditedAtMs: () => 100, remoteModifiedAtMs: () => 200 },
      {},
      'remote',
      false,
    ],
    [
      'latest-wins',
      { localEditedAtMs: () => 100, remoteModifiedAtMs: () => 100 },
      {},
      'remote',
      false,
    ],
    [
      'latest-wins',
      { localEditedAtMs: () => 100, tieBreak: 'local' },
      { f: 'app' },
      'local',
      false,
    ],
    ['latest-wins', {}, {}, 'remote', false],
    ['manual', {}, {}, 'held', true],
    ['merge-sets', {}, {}, 'held', true],
  ])('%s %j', (...[policy, extra, fields, resolution, held]) => {
    const result = decide(policy, clash, extra)
    expect(result.fields).toEqual(fields)
    expect(result.held).toBe(held)
    expect(result.conflicts).toEqual([
      expect.objectContaining({
        fieldId: 'f',
        policy,
        base: 'seen',
        remote: 'ops',
        local: 'app',
        resolution,
      }),
    ])
  })
})

describe('resolveThreeWay: what is not a conflict', () => {
  test('a field the writer repeated unchanged keeps Airtable’s value, even under local-wins', () => {
    const result = decide('local-wins', {
      base: { f: 'seen', g: 1 },
      remote: { f: 'ops', g: 1 },
      local: { f: 'seen', g: 2 },
    })
    expect(result).toEqual({ fields: { g: 2 }, conflicts: [], held: false })
  })

  test('fields nobody else changed merge, whatever the policy', () => {
    const result = decide('manual', {
      base: { f1: 'a', f2: ['x'] },
      remote: { f1: 'a', f2: ['x'], f3: 'ops edit elsewhere' },
      local: { f1: 'b', f2: [] },
    })
    expect(result).toEqual({ fields: { f1: 'b', f2: [] }, conflicts: [], held: false })
  })

  test('the same change on both sides is no conflict, and a PATCH need not repeat it', () => {
    const result = decide('manual', { base: { f: 'a' }, remote: { f: 'b' }, local: { f: 'b' } })
    expect(result).toEqual({ fields: {}, conflicts: [], held: false })
  })

  test('blanks are one value: a base without the field saw it blank', () => {
    const result = decide('manual', {
      base: {},
      remote: { f: '', g: false },
      local: { f: 'x', g: true },
    })
    expect(result.conflicts).toEqual([])
    expect(result.fields).toEqual({ f: 'x', g: true })
  })

  test('no base: nothing is checked', () => {
    const result = resolveThreeWay({
      base: undefined,
      remote: { f: 'ops' },
      local: { f: 'app' },
      mode: 'patch',
      policyFor: () => 'manual',
    })
    expect(result).toEqual({ fields: { f: 'app' }, conflicts: [], held: false })
  })

  test('attachments compare by id, not by their changing URLs', () => {
    const result = decide('manual', {
      base: { p: [{ id: 'att1', url: 'https://signed/1' }] },
      remote: { p: [{ id: 'att1', url: 'https://signed/2', size: 10 }] },
      local: { p: [{ id: 'att1' }, { url: 'https://new.png' }] },
    })
    expect(result.conflicts).toEqual([])
  })
})

describe('resolveThreeWay: merge-sets', () => {
  test('remote items first, writer removals honoured, writer additions appended', () => {
    const result = decide('merge-sets', {
      base: { tags: ['a', 'b', 'c'] },
      remote: { tags: ['c', 'a', 'd'] },
      local: { tags: ['a', 'c', 'e'] },
    })
    // The writer removed b (already gone) and added e; ops added d and reordered.
    expect(result.fields).toEqual({ tags: ['c', 'a', 'd', 'e'] })
    expect(result.conflicts[0]?.resolution).toBe('merged')
  })

  test('links by record ID; a removal the writer made is kept even though ops added others', () => {
    const result = decide('merge-sets', {
      base: { links: ['rec1', 'rec2'] },
      remote: { links: ['rec1', 'rec2', 'rec3'] },
      local: { links: ['rec1'] },
    })
    expect(result.fields).toEqual({ links: ['rec1', 'rec3'] })
  })

  test('a merge that changes nothing Airtable has writes nothing', () => {
    const result = decide('merge-sets', {
      base: { tags: ['a'] },
      remote: { tags: ['a', 'b'] },
      local: { tags: [] },
    })
    expect(result.fields).toEqual({ tags: ['b'] })
    const same = decide('merge-sets', {
      base: { tags: ['a'] },
      remote: { tags: ['b', 'c'] },
      local: { tags: ['c'] },
    })
    expect(same.fields).toEqual({})
    expect(same.conflicts[0]?.resolution).toBe('remote')
  })

  test('PUT carries the values settled to Airtable’s', () => {
    const result = resolveThreeWay({
      base: { f: 'seen' },
      remote: { f: 'ops', g: 'kept' },
      local: { f: 'app', g: 'kept' },
      mode: 'put',
      policyFor: () => 'remote-wins',
    })
    expect(result.fields).toEqual({ f: 'ops', g: 'kept' })
  })
})

test('summariseConflicts: one conflict row per mutation', () => {
  const result = resolveThreeWay({
    base: { a: 1, b: ['x'], c: 'seen' },
    remote: { a: 2, b: ['x', 'y'], c: 'ops' },
    local: { a: 3, b: ['x', 'z'], c: 'app' },
    mode: 'patch',
    policyFor: (f) => (f === 'a' ? 'local-wins' : f === 'b' ? 'merge-sets' : 'remote-wins'),
  })
  expect(summariseConflicts(result)).toEqual({
    fieldIds: ['a', 'b', 'c'],
    baseValues: { a: 1, b: ['x'], c: 'seen' },
    localValues: { a: 3, b: ['x', 'z'], c: 'app' },
    remoteValues: { a: 2, b: ['x', 'y'], c: 'ops' },
    policy: 'local-wins,merge-sets,remote-wins',
    status: 'resolved',
    resolution: 'merged',
    resolvedValues: { a: 3, b: ['x', 'y', 'z'], c: 'ops' },
  })
  expect(
    summariseConflicts(decide('manual', { base: { a: 1 }, remote: { a: 2 }, local: { a: 3 } })),
  ).toMatchObject({
    status: 'open',
    resolution: undefined,
  })
  expect(
    summariseConflicts(decide('manual', { base: {}, remote: {}, local: { a: 3 } })),
  ).toBeUndefined()
})

const itemsArb: fc.Arbitrary<string[]> = fc.uniqueArray(
  fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
  { maxLength: 6 },
)
const valueArb = fc.oneof(fc.constantFrom(null, '', 'x', 'y', 1, 2, true), itemsArb)
const fieldsArb = fc.dictionary(fc.constantFrom('f1', 'f2', 'f3'), valueArb)
const policyArb = fc.constantFrom<ConflictPolicy>(
  'remote-wins',
  'local-wins',
  'latest-wins',
  'merge-sets',
  'manual',
)

describe('properties', () => {
  test('merge-sets: keeps additions, honours removals, keeps what only Airtable added', () => {
    fc.assert(
      fc.property(itemsArb, itemsArb, itemsArb, (base, local, remote) => {
        const merged = (mergeSets(base, local, remote) ?? []) as string[]
        expect(new Set(merged).size).toBe(merged.length)
        for (const item of local) if (!base.includes(item)) expect(merged).toContain(item)
        for (const item of base) if (!local.includes(item)) expect(merged).not.toContain(item)
        for (const item of remote)
          if (local.includes(item) || !base.includes(item)) expect(merged).toContain(item)
        for (const item of merged) expect(local.includes(item) || remote.includes(item)).toBe(true)
      }),
    )
  })

  test('a record only the writer changed ends as the writer wants; no conflicts', () => {
    fc.assert(
      fc.property(fieldsArb, fieldsArb, policyArb, (base, local, policy) => {
        const result = decide(policy, { base, remote: base, local })
        expect(result.conflicts).toEqual([])
        const after = { ...base, ...result.fields }
        for (const [f, v] of Object.entries(local)) expect(cellsEqual(after[f], v)).toBe(true)
      }),
    )
  })

  test('local-wins ends with the local values; remote-wins never overwrites a field Airtable changed', () => {
    fc.assert(
      fc.property(fieldsArb, fieldsArb, fieldsArb, (base, remote, local) => {
        const mine = decide('local-wins', { base, remote, local })
        const after = { ...remote, ...mine.fields }
        for (const [f, v] of Object.entries(local)) {
          // What the writer did not change keeps Airtable's value; what it changed is its own.
          expect(cellsEqual(after[f], cellsEqual(v, base[f]) ? remote[f] : v)).toBe(true)
        }
        const theirs = decide('remote-wins', { base, remote, local })
        for (const f of Object.keys(theirs.fields))
          expect(cellsEqual(base[f], remote[f])).toBe(true)
        expect(theirs.held).toBe(false)
      }),
    )
  })
})
