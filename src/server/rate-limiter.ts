/**
 * The Airtable limiter as configured. By default each base is paced as Airtable counts it: at most
 * `airtableRatePerSecond` (5) requests in any window of `airtableRateWindowMs` (1,025 ms: a second
 * plus room for network jitter, widened after a 429), each counted from when it left (wire-times.ts). With a window of
 * 0 a token bucket paces the base at `airtableRatePerSecond` instead (set it below 5, e.g. 4.5).
 */
import { RateLimiter } from '../airtable/index.ts'
import type { ServerConfig } from './config.ts'

/** What pacing needs of the configuration. */
export type RateConfig = Pick<ServerConfig, 'airtableRatePerSecond' | 'airtableRateWindowMs'>

/** A limiter paced by `config` (one per process: every client of a base must share it). */
export function createConfiguredLimiter(config: RateConfig): RateLimiter {
  if (config.airtableRateWindowMs <= 0) {
    return new RateLimiter({ baseRatePerSecond: config.airtableRatePerSecond })
  }
  return new RateLimiter({
    baseWindow: {
      requests: Math.max(1, Math.floor(config.airtableRatePerSecond)),
      windowMs: config.airtableRateWindowMs,
    },
  })
}
