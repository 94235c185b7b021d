/**
 * Issue 3, "done means" 1: the official airtable.js pointed at airsync (service key) and at the
 * emulator gives identical results — records in order, IDs, createdTime and every field, page
 * boundaries where the query pages, and errors — for each query of the corpus
 * (test/read-queries.ts, at least 50 queries).
 */
import type Airtable from 'airtable'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { READ_QUERIES } from './read-queries.ts'
import {
  airtableJsBase,
  loadTableIds,
  recordCount,
  runReadQuery,
  type TableIds,
} from './run-read-query.ts'
import { startStack, type Stack } from './stack.ts'

let stack: Stack
let ids: Map<string, TableIds>
let emulator: Airtable.Base
let airsync: Airtable.Base

beforeAll(async () => {
  stack = await startStack()
  ids = await loadTableIds(stack.emulator.url, stack.emulator.token, stack.baseId)
  emulator = airtableJsBase(stack.emulator.url, stack.emulator.token, stack.baseId)
  airsync = airtableJsBase(stack.url, stack.serviceKey, stack.baseId)
}, 180_000)
afterAll(async () => {
  await stack.close()
})

const idsOf = (table: string): TableIds => {
  const found = ids.get(table)
  if (found === undefined) throw new Error(`no table ${table}`)
  return found
}

describe('the corpus', () => {
  test('has at least 50 queries with distinct names', () => {
    expect(READ_QUERIES.length).toBeGreaterThanOrEqual(50)
    expect(new Set(READ_QUERIES.map((q) => q.name)).size).toBe(READ_QUERIES.length)
  })

  test('every query succeeds against the emulator and almost all return records', async () => {
    const empty: string[] = []
    for (const query of READ_QUERIES) {
      const outcome = await runReadQuery(emulator, query, idsOf(query.table))
      expect(outcome.kind, `${query.name}: ${JSON.stringify(outcome)}`).not.toBe('error')
      if (recordCount(outcome) === 0) empty.push(query.name)
    }
    // Only the queries built to match nothing may come back empty: a corpus of empty answers
    // would compare equal without proving anything.
    expect(empty.sort()).toEqual(['RECORD_ID() of one record', 'formula matching nothing'])
  })
})

describe('airtable.js: airsync and the emulator side by side', () => {
  test.each(READ_QUERIES.map((query) => [query.name, query] as const))('%s', async (_, query) => {
    const tableIds = idsOf(query.table)
    const [upstream, mirror] = await Promise.all([
      runReadQuery(emulator, query, tableIds),
      runReadQuery(airsync, query, tableIds),
    ])
    expect(mirror).toEqual(upstream)
  })
})
