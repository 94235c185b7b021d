import { pino } from 'pino'
import { expect, test } from 'vitest'
import { ManualClock } from '../shared/index.ts'
import { claimIdempotencyKey, enqueueMutations } from '../store/index.ts'
import { testBackends } from '../store/test-backends.ts'
import { createIdempotencyRetentionService } from './idempotency-retention.ts'

const HOUR_MS = 3_600_000
const BASE = 'appBase000000001'

for (const backend of testBackends()) {
  test(`${backend.name}: the idempotency retention service prunes settled keys past the retention`, async () => {
    await using db = await backend.open()
    await enqueueMutations(db, [
      { mutationId: 'mutOpen', baseId: BASE, tableId: 'tblA', recordId: 'rec1', op: 'update' },
    ])
    const claim = (key: string, mutationIds: string[]): Promise<unknown> =>
      claimIdempotencyKey(db, { baseId: BASE, scope: 'svc', key, requestHash: 'h', mutationIds })
    await claim('settled', [])
    await claim('open', ['mutOpen'])
    const clock = new ManualClock(Date.now())
    const options = { db, retentionMs: 24 * HOUR_MS, logger: pino({ level: 'silent' }), clock }
    const service = createIdempotencyRetentionService(options)
    expect(await service.pruneNow()).toBe(0)
    // Retention 0 keeps every key.
    clock.advance(25 * HOUR_MS)
    expect(await createIdempotencyRetentionService({ ...options, retentionMs: 0 }).pruneNow()).toBe(
      0,
    )

    const running = service.run()
    await service.stop()
    await running
    expect(await claim('settled', [])).toEqual({ status: 'claimed' })
    expect(await claim('open', ['mutOpen'])).toEqual({
      status: 'in-progress',
      mutationIds: ['mutOpen'],
    })
  })
}
