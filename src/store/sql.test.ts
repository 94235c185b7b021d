import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { StoreError } from './errors.ts'
import {
  advisoryLockKeys,
  assertSchemaName,
  isoOf,
  jsonParam,
  numberOf,
  quoteIdent,
} from './sql.ts'

describe('quoteIdent', () => {
  test.each([
    ['records', '"records"'],
    ['Mixed Case', '"Mixed Case"'],
    ['a"b', '"a""b"'],
    ['"; drop table x; --', '"""; drop table x; --"'],
  ])('%s → %s', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted)
  })

  test.each(['', 'x'.repeat(64), 'a\u0000b'])('refuses %j', (name) => {
    expect(() => quoteIdent(name)).toThrow(StoreError)
  })

  test('a quoted name is one token: inner quotes always come in pairs', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\u0000')),
        (name) => {
          const inner = quoteIdent(name).slice(1, -1)
          expect(inner.replaceAll('""', '')).not.toContain('"')
          expect(inner.replaceAll('""', '"')).toBe(name)
        },
      ),
    )
  })
})

test.each(['public', 'test_0a1b', '_x'])('schema name %s is accepted', (name) => {
  expect(assertSchemaName(name)).toBe(name)
})

test.each(['Public', 'a b', 'x;y', '1abc', ''])('schema name %j is refused', (name) => {
  expect(() => assertSchemaName(name)).toThrow(StoreError)
})

test('advisory lock keys are int4 pairs, stable, scoped by namespace', () => {
  const [a1, a2] = advisoryLockKeys('', 'outbox:app1')
  expect(advisoryLockKeys('', 'outbox:app1')).toEqual([a1, a2])
  expect(advisoryLockKeys('test_x', 'outbox:app1')[0]).not.toBe(a1)
  expect(advisoryLockKeys('', 'outbox:app2')[1]).not.toBe(a2)
  for (const key of [a1, a2]) {
    expect(Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31).toBe(true)
  }
})

test('jsonParam keeps arrays as JSON, undefined as NULL', () => {
  expect(jsonParam([1, 'a'])).toBe('[1,"a"]')
  expect(jsonParam(undefined)).toBeNull()
  expect(jsonParam(null)).toBe('null')
})

test('row value conversions', () => {
  expect(isoOf(new Date(Date.UTC(2024, 0, 1)))).toBe('2024-01-01T00:00:00.000Z')
  expect(isoOf('2024-01-01 00:00:00+00')).toBe('2024-01-01T00:00:00.000Z')
  expect(numberOf('42')).toBe(42)
  expect(() => numberOf('x')).toThrow(StoreError)
  expect(() => isoOf(1)).toThrow(StoreError)
})
