/**
 * The sliding window's margin against an Airtable that counts more strictly than airsync paces
 * (issue 4): the emulator allows 5 requests per 1,040 ms, airsync sends 5 per 1,025 ms. Each 429
 * widens the base's window a step (limiter.ts), so the penalties stop once the window is wider
 * than Airtable's; with the step at 0 (no widening) they keep coming. Penalties are 500 ms here
 * instead of 30 s.
 */
import { expect, test } from 'vitest'
import { createAirtableClient, RateLimiter } from '../src/airtable/index.ts'
import { startEmulatorFixture } from './emulator-fixture.ts'

const PENALTY_MS = 500

/** 30 one-record pages asked for at once; @returns the 429 penalties and the window after. */
async function run(stepMs: number): Promise<{ pauses: number; windowMs: number | undefined }> {
  await using emulator = await startEmulatorFixture({
    rateLimit: { windowMs: 1_040, penaltyMs: PENALTY_MS },
  })
  const limiter = new RateLimiter({
    baseWindow: { requests: 5, windowMs: 1_025 },
    windowWidening: { stepMs, maxWindowMs: 1_275, quietMs: 600_000 },
    penaltyMs: PENALTY_MS,
  })
  const airtable = createAirtableClient({ token: emulator.token, apiUrl: emulator.url, limiter })
  const members = airtable.table(emulator.baseId, 'Members Registry')
  const pages = await Promise.all(Array.from({ length: 30 }, () => members.list({ pageSize: 1 })))
  expect(pages.every((page) => page.records.length === 1)).toBe(true)
  const stats = limiter.stats()
  return { pauses: stats.pauses, windowMs: stats.widenedWindowMs[emulator.baseId] }
}

test('429s widen the window until they stop; without widening they keep coming', async () => {
  const widening = await run(25)
  const fixed = await run(0)
  expect(widening.pauses).toBeGreaterThanOrEqual(1)
  expect(widening.windowMs).toBeGreaterThan(1_040)
  // One 429 per step until the window is wider than the emulator's (1,050 ms after the first);
  // jitter on a busy machine may cost one more step.
  expect(widening.pauses).toBeLessThanOrEqual(3)
  expect(fixed.windowMs).toBeUndefined()
  expect(fixed.pauses).toBeGreaterThan(widening.pauses)
}, 120_000)
