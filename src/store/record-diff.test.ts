import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { applyWrite, changedFieldIds, compactFields, jsonEqual } from './record-diff.ts'

describe('jsonEqual', () => {
  test.each([
    [{ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: undefined }, { b: undefined }, false],
    [[1, 2], [2, 1], false],
    [[1], { 0: 1 }, false],
    [null, {}, false],
    ['1', 1, false],
    [true, true, true],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(jsonEqual(a, b)).toBe(expected)
    expect(jsonEqual(b, a)).toBe(expected)
  })

  test('agrees with comparing canonical JSON', () => {
    const canonical = (value: unknown): string =>
      JSON.stringify(value, (_key, v: unknown) =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)))
          : v,
      )
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(jsonEqual(a, b)).toBe(canonical(a) === canonical(b))
        expect(jsonEqual(a, structuredClone(a))).toBe(true)
      }),
    )
  })
})

describe('applyWrite', () => {
  const stored = { fldA: 'a', fldB: 2, fldC: ['x'] }
  test.each([
    ['replace', { fldA: 'z' }, { fldA: 'z' }],
    ['replace', { fldA: null, fldD: true }, { fldD: true }],
    ['merge', { fldA: 'z' }, { fldA: 'z', fldB: 2, fldC: ['x'] }],
    ['merge', { fldB: null }, { fldA: 'a', fldC: ['x'] }],
    ['merge', {}, stored],
  ] as const)('%s %j', (mode, incoming, expected) => {
    expect(applyWrite(stored, incoming, mode)).toEqual(expected)
  })

  test('a new record takes the incoming fields without empty cells', () => {
    expect(applyWrite(undefined, { fldA: 1, fldB: null }, 'merge')).toEqual({ fldA: 1 })
  })
})

test('changedFieldIds lists added, removed and changed fields', () => {
  expect(changedFieldIds({ a: 1, b: [1], c: 'x' }, { b: [1], c: 'y', d: false })).toEqual([
    'a',
    'c',
    'd',
  ])
  expect(compactFields({ a: null, b: 0, c: '' })).toEqual({ b: 0, c: '' })
})
