import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { pagePayloads } from './paging.ts'
import type { StoredPayload } from './webhook-state.ts'

function stored(numbers: number[]): StoredPayload[] {
  return numbers.map((number) => ({
    number,
    storedMs: 0,
    payload: {
      timestamp: 't',
      baseTransactionNumber: number * 10,
      payloadFormat: 'v0',
      actionMetadata: { source: 'publicApi' },
    },
  }))
}
const txNumbers = (page: ReturnType<typeof pagePayloads>) =>
  page.payloads.map((p) => p.baseTransactionNumber / 10)

describe('pagePayloads', () => {
  test('starts at 1; the response cursor is the number after the last one returned', () => {
    const page = pagePayloads(stored([1, 2, 3, 4, 5]), {
      cursor: 1,
      limit: 2,
      nextPayloadNumber: 6,
    })
    expect(page.cursor).toBe(3)
    expect(page.mightHaveMore).toBe(true)
    expect(txNumbers(page)).toEqual([1, 2])
    const last = pagePayloads(stored([1, 2, 3, 4, 5]), {
      cursor: 5,
      limit: 2,
      nextPayloadNumber: 6,
    })
    expect({ cursor: last.cursor, more: last.mightHaveMore, got: txNumbers(last) }).toEqual({
      cursor: 6,
      more: false,
      got: [5],
    })
  })

  test('nothing new: the response cursor equals the request cursor', () => {
    const page = pagePayloads(stored([1, 2]), { cursor: 3, limit: 50, nextPayloadNumber: 3 })
    expect(page).toEqual({ cursor: 3, mightHaveMore: false, payloads: [] })
    expect(pagePayloads([], { cursor: 1, limit: 50, nextPayloadNumber: 1 })).toEqual({
      cursor: 1,
      mightHaveMore: false,
      payloads: [],
    })
  })

  test('a cursor older than the retained payloads starts at the oldest one, numbering kept', () => {
    const page = pagePayloads(stored([4, 5, 6]), { cursor: 2, limit: 50, nextPayloadNumber: 7 })
    expect(txNumbers(page)).toEqual([4, 5, 6])
    expect(page.cursor).toBe(7)
    const gone = pagePayloads([], { cursor: 2, limit: 50, nextPayloadNumber: 7 })
    expect(gone).toEqual({ cursor: 7, mightHaveMore: false, payloads: [] })
  })

  test('property: following cursors returns every retained payload once, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 50 }),
        (dropped, kept, limit) => {
          const numbers = Array.from({ length: kept }, (_, i) => dropped + 1 + i)
          const next = dropped + kept + 1
          let cursor = 1
          const seen: number[] = []
          for (let i = 0; i < 200; i++) {
            const page = pagePayloads(stored(numbers), { cursor, limit, nextPayloadNumber: next })
            expect(page.payloads.length).toBeLessThanOrEqual(limit)
            seen.push(...txNumbers(page))
            cursor = page.cursor
            if (!page.mightHaveMore) break
          }
          expect(seen).toEqual(numbers)
          expect(cursor).toBe(next)
        },
      ),
    )
  })
})
