import { describe, expect, test } from 'vitest'
import type { Db } from './db.ts'
import {
  appendChanges,
  feedBounds,
  latestSeq,
  onChanges,
  pruneOlderThan,
  readChangesAfter,
  type ChangeInput,
} from './feed.ts'
import { upsertRecords } from './records.ts'
import { testBackends } from './test-backends.ts'

const BASE = 'appBase000000001'

function change(tableId: string, recordId: string, actor: string): ChangeInput {
  return { baseId: BASE, tableId, recordId, kind: 'created', source: 'test', after: {}, actor }
}

/** Resolves with the first notified seq that satisfies `until`. */
async function nextNotification(
  db: Db,
  until: (seq: number) => boolean,
): Promise<{ seqs: number[]; done: Promise<number>; stop: () => Promise<void> }> {
  const seqs: number[] = []
  let resolve: (seq: number) => void = () => undefined
  const done = new Promise<number>((r) => (resolve = r))
  const stop = await onChanges(db, (seq) => {
    seqs.push(seq)
    if (until(seq)) resolve(seq)
  })
  return { seqs, done, stop }
}

for (const backend of testBackends()) {
  describe(`${backend.name}: change feed`, () => {
    test('concurrent commits get strictly increasing, gap-free, contiguous seqs', async () => {
      await using db = await backend.open()
      const peers = backend.name === 'postgres' ? [await db.openPeer(), await db.openPeer()] : []
      const writers = [db, ...peers]
      try {
        const commits = Array.from({ length: 12 }, (_, i) => i)
        await Promise.all(
          commits.map((i) =>
            (writers[i % writers.length] ?? db).transaction(async (tx) => {
              // Each commit writes in two steps, so interleaving would show as non-contiguous seqs.
              await appendChanges(tx, [change('tblA', `rec${i}a`, `c${i}`)])
              await tx.query('select pg_sleep(0.01)')
              await appendChanges(tx, [
                change('tblB', `rec${i}b`, `c${i}`),
                change('tblA', `rec${i}c`, `c${i}`),
              ])
            }),
          ),
        )
      } finally {
        for (const peer of peers) await peer.close()
      }
      const feed = await readChangesAfter(db, { afterSeq: 0, limit: 1000 })
      expect(feed.map((c) => c.seq)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1))
      for (let start = 0; start < feed.length; start += 3) {
        const group = feed.slice(start, start + 3).map((c) => c.actor)
        expect(new Set(group).size).toBe(1)
      }
      expect(await latestSeq(db)).toBe(36)
    }, 120_000)

    test('a rolled-back transaction returns its seqs and notifies nothing', async () => {
      await using db = await backend.open()
      await appendChanges(db, [change('tblA', 'rec1', 'a')])
      const listener = await nextNotification(db, (seq) => seq >= 2)
      await expect(
        db.transaction(async (tx) => {
          await appendChanges(tx, [
            change('tblA', 'rec2', 'rolled'),
            change('tblA', 'rec3', 'rolled'),
          ])
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect(await latestSeq(db)).toBe(1)
      expect(await readChangesAfter(db, { afterSeq: 1, limit: 10 })).toEqual([])
      const [seq] = await appendChanges(db, [change('tblA', 'rec4', 'b')])
      expect(seq).toBe(2)
      expect(await listener.done).toBe(2)
      await listener.stop()
      // The first notification heard is the committed one: nothing came from the rollback.
      expect(listener.seqs).toEqual([2])
    })

    test('the notification arrives after commit, carrying the highest seq', async () => {
      await using db = await backend.open()
      const listener = await nextNotification(db, () => true)
      const heardInside = await db.transaction(async (tx) => {
        await upsertRecords(tx, {
          baseId: BASE,
          tableId: 'tblA',
          records: [
            { id: 'rec1', fields: { fldA: 1 } },
            { id: 'rec2', fields: { fldA: 2 } },
          ],
          source: 'test',
        })
        await tx.query('select 1')
        return [...listener.seqs]
      })
      expect(heardInside).toEqual([])
      expect(await listener.done).toBe(2)
      await listener.stop()
    })

    test('readChangesAfter filters by base and table and pages by limit', async () => {
      await using db = await backend.open()
      await appendChanges(db, [
        change('tblA', 'rec1', 'x'),
        change('tblB', 'rec2', 'x'),
        { ...change('tblA', 'rec3', 'x'), baseId: 'appOther00000001' },
        change('tblA', 'rec4', 'x'),
      ])
      const pick = async (filter: object, afterSeq = 0, limit = 10): Promise<string[]> =>
        (await readChangesAfter(db, { afterSeq, limit, filter })).map((c) => c.recordId ?? '')
      expect(await pick({})).toEqual(['rec1', 'rec2', 'rec3', 'rec4'])
      expect(await pick({ baseId: BASE })).toEqual(['rec1', 'rec2', 'rec4'])
      expect(await pick({ baseId: BASE, tableIds: ['tblA'] })).toEqual(['rec1', 'rec4'])
      expect(await pick({ tableIds: ['tblB', 'tblZ'] })).toEqual(['rec2'])
      expect(await pick({}, 1, 2)).toEqual(['rec2', 'rec3'])
    })

    test('mutation entries keep their detail', async () => {
      await using db = await backend.open()
      await appendChanges(db, [
        {
          baseId: BASE,
          tableId: 'tblA',
          recordId: 'rec1',
          kind: 'mutation',
          source: 'outbox',
          mutationId: 'mut1',
          data: { state: 'failed', error: { type: 'INVALID_VALUE_FOR_COLUMN' } },
        },
      ])
      const [entry] = await readChangesAfter(db, { afterSeq: 0, limit: 1 })
      expect(entry).toMatchObject({
        kind: 'mutation',
        mutationId: 'mut1',
        data: { state: 'failed', error: { type: 'INVALID_VALUE_FOR_COLUMN' } },
        before: undefined,
      })
      expect(Date.parse(entry?.at ?? '')).not.toBeNaN()
    })

    test('pruning removes old entries and remembers how far, keeping the seq counter', async () => {
      await using db = await backend.open()
      await appendChanges(db, [change('tblA', 'rec1', 'x'), change('tblA', 'rec2', 'x')])
      expect(await pruneOlderThan(db, { ageMs: 60_000 })).toBe(0)
      expect(await feedBounds(db)).toEqual({ latestSeq: 2, prunedThrough: 0 })
      expect(await pruneOlderThan(db, { ageMs: 0, nowMs: Date.now() + 60_000 })).toBe(2)
      expect(await feedBounds(db)).toEqual({ latestSeq: 2, prunedThrough: 2 })
      expect(await readChangesAfter(db, { afterSeq: 0, limit: 10 })).toEqual([])
      expect(await appendChanges(db, [change('tblA', 'rec3', 'x')])).toEqual([3])
    })
  })
}
