import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { chunk, runChunks } from './batch.ts'
import { AirtableError } from './errors.ts'

describe('chunk', () => {
  test('property: n items → ceil(n/10) chunks of ≤ 10, order kept', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 250, size: 'max' }), (items) => {
        const chunks = chunk(items)
        expect(chunks).toHaveLength(Math.ceil(items.length / 10))
        for (const part of chunks) expect(part.length).toBeGreaterThan(0)
        for (const part of chunks.slice(0, -1)) expect(part).toHaveLength(10)
        expect(chunks.flat()).toEqual(items)
      }),
    )
  })

  test('rejects a size below 1', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError)
  })
})

describe('runChunks', () => {
  test('property: one send per chunk, sequential, results in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string(), { maxLength: 120, size: 'max' }), async (items) => {
        const sent: string[][] = []
        let inFlight = 0
        const results = await runChunks<string, string>(items, {
          idOf: (r) => r,
          send: async (part) => {
            inFlight++
            expect(inFlight).toBe(1)
            sent.push(part)
            await Promise.resolve()
            inFlight--
            return part.map((x) => `done:${x}`)
          },
        })
        expect(sent).toHaveLength(Math.ceil(items.length / 10))
        expect(sent.flat()).toEqual(items)
        expect(results).toEqual(items.map((x) => `done:${x}`))
      }),
    )
  })

  test('a failing chunk stops the rest and reports what was written', async () => {
    const items = Array.from({ length: 25 }, (_, i) => `rec${i}`)
    const sent: number[] = []
    const failure = runChunks<string, string>(items, {
      idOf: (r) => r,
      send: (part, index) => {
        sent.push(index)
        if (index === 1) {
          return Promise.reject(new AirtableError({ type: 'INVALID_RECORDS', message: 'bad' }))
        }
        return Promise.resolve(part)
      },
    })
    const error = await failure.catch((e: unknown) => e)
    expect(sent).toEqual([0, 1])
    expect(error).toBeInstanceOf(AirtableError)
    expect((error as AirtableError).type).toBe('INVALID_RECORDS')
    expect((error as AirtableError).batch).toEqual({
      chunkIndex: 1,
      chunkCount: 3,
      completedRecordIds: items.slice(0, 10),
    })
  })

  test('other errors pass through untouched', async () => {
    const boom = new Error('boom')
    await expect(runChunks([1], { idOf: String, send: () => Promise.reject(boom) })).rejects.toBe(
      boom,
    )
  })
})
