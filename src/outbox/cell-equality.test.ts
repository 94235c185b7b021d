import fc from 'fast-check'
import { expect, test } from 'vitest'
import { isEmptyCell } from '../formula/index.ts'
import { cellsEqual, setsEqual } from './cell-equality.ts'

test.each<[string, unknown, unknown, boolean]>([
  ['absent = null', undefined, null, true],
  ['null = empty text', null, '', true],
  ['empty text = empty list', '', [], true],
  ['unchecked = absent', false, undefined, true],
  ['zero is a value', 0, null, false],
  ['checked is not blank', true, false, false],
  ['text', 'a', 'a', true],
  ['text is case-sensitive', 'a', 'A', false],
  ['number vs its text', 1, '1', false],
  ['select lists keep order', ['x', 'y'], ['y', 'x'], false],
  ['select lists', ['x', 'y'], ['x', 'y'], true],
  ['attachments by id', [{ id: 'att1', url: 'u1', size: 3 }], [{ id: 'att1', url: 'u2' }], true],
  ['attachments differ', [{ id: 'att1' }], [{ id: 'att2' }], false],
  ['upload by url', [{ url: 'https://x/y.png' }], [{ url: 'https://x/y.png' }], true],
  ['collaborator by id', { id: 'usr1', email: 'a@b' }, { id: 'usr1', name: 'A' }, true],
  ['objects without id, key order aside', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
  ['objects differ', { a: 1 }, { a: 2 }, false],
])('cellsEqual: %s', (...[, a, b, equal]) => {
  expect(cellsEqual(a, b)).toBe(equal)
  expect(cellsEqual(b, a)).toBe(equal)
})

test.each<[unknown, unknown, boolean]>([
  [['x', 'y'], ['y', 'x'], true],
  [['x', 'y'], ['x'], false],
  [[], undefined, true],
  [[{ id: 'rec1' }], [{ id: 'rec1', name: 'A' }], true],
])('setsEqual(%j, %j) is %s', (a, b, equal) => {
  expect(setsEqual(a, b)).toBe(equal)
})

const cellArb = fc.oneof(
  fc.constantFrom(undefined, null, '', false, true, 0, []),
  fc.string(),
  fc.integer(),
  fc.array(fc.constantFrom('a', 'b', 'c')),
  fc.array(fc.record({ id: fc.constantFrom('att1', 'att2'), url: fc.string() })),
)

test('property: cellsEqual is an equivalence; blanks are exactly the blank class', () => {
  fc.assert(
    fc.property(cellArb, cellArb, cellArb, (a, b, c) => {
      expect(cellsEqual(a, a)).toBe(true)
      expect(cellsEqual(a, b)).toBe(cellsEqual(b, a))
      if (cellsEqual(a, b) && cellsEqual(b, c)) expect(cellsEqual(a, c)).toBe(true)
      if (isEmptyCell(a)) expect(cellsEqual(a, null)).toBe(true)
      if (cellsEqual(a, b)) expect(setsEqual(a, b)).toBe(true)
    }),
  )
})
