import { pino } from 'pino'
import { expect, test } from 'vitest'
import { ManualClock } from '../shared/index.ts'
import { appendChanges, feedBounds, readChangesAfter } from '../store/index.ts'
import { testBackends } from '../store/test-backends.ts'
import { createFeedRetentionService } from './feed-retention.ts'

const HOUR_MS = 3_600_000

for (const backend of testBackends()) {
  test(`${backend.name}: the retention service prunes what is older than the retention`, async () => {
    await using db = await backend.open()
    const seqs = await appendChanges(db, [
      { baseId: 'appX', tableId: 'tblX', recordId: 'recA', kind: 'created', source: 'test' },
      { baseId: 'appX', tableId: 'tblX', recordId: 'recB', kind: 'created', source: 'test' },
    ])
    const clock = new ManualClock(Date.now())
    const service = createFeedRetentionService({
      db,
      retentionMs: 24 * HOUR_MS,
      logger: pino({ level: 'silent' }),
      clock,
    })
    expect(await service.pruneNow()).toBe(0)
    expect((await feedBounds(db)).prunedThrough).toBe(0)

    clock.advance(25 * HOUR_MS)
    const running = service.run()
    await service.stop()
    await running
    expect(await readChangesAfter(db, { afterSeq: 0, limit: 10 })).toEqual([])
    expect(await feedBounds(db)).toEqual({ latestSeq: seqs[1], prunedThrough: seqs[1] })
  })
}
