/**
 * The full sync as a {@link Service}: the server's runner starts it; it syncs the base, retrying
 * with backoff after a failure, and then (when `intervalMs` is set) again on that interval, until
 * stopped. `stop()` aborts a sync in progress.
 *
 *   idle ─► syncing ─► ok ─► (interval) ─► syncing …
 *              │
 *              └─► failed ─► wait retryDelayMs (doubling, ≤ maxRetryDelayMs) ─► syncing
 */
import type { Service } from '../shared/index.ts'
import { runFullSync, type FullSyncOptions, type FullSyncResult } from './full-sync.ts'

/** Options of {@link createFullSyncService}. */
export interface FullSyncServiceOptions extends Omit<FullSyncOptions, 'signal'> {
  /** Sync again this long after each successful sync, ms; undefined: once. @default undefined */
  intervalMs?: number | undefined
  /** First delay after a failed sync, ms; doubles per failure. @default 5000 */
  retryDelayMs?: number
  /** @default 300000 */
  maxRetryDelayMs?: number
  /** Told after each successful sync. */
  onSynced?: (result: FullSyncResult) => void
  /** Told after each failed sync (it will be retried). */
  onError?: (error: unknown) => void
}

/** A service running full syncs; `synced` resolves after the first success. */
export interface FullSyncService extends Service {
  /** Resolves with the first successful sync's result; rejects if stopped before one. */
  readonly firstSync: Promise<FullSyncResult>
}

/** Creates the service; nothing runs until `run()`. */
export function createFullSyncService(options: FullSyncServiceOptions): FullSyncService {
  const controller = new AbortController()
  let running: Promise<void> | undefined
  let current: Promise<unknown> = Promise.resolve()
  let resolveFirst!: (result: FullSyncResult) => void
  let rejectFirst!: (reason: unknown) => void
  const firstSync = new Promise<FullSyncResult>((resolve, reject) => {
    resolveFirst = resolve
    rejectFirst = reject
  })
  firstSync.catch(() => undefined)

  async function loop(): Promise<void> {
    const { signal } = controller
    let delayMs = options.retryDelayMs ?? 5_000
    let first = true
    while (!signal.aborted) {
      const attempt = runFullSync({ ...options, signal })
      current = attempt.catch(() => undefined)
      try {
        const result = await attempt
        options.onSynced?.(result)
        if (first) resolveFirst(result)
        first = false
        delayMs = options.retryDelayMs ?? 5_000
        if (options.intervalMs === undefined) return
        await wait(options.intervalMs, signal)
      } catch (error) {
        if (signal.aborted) break
        options.onError?.(error)
        await wait(delayMs, signal)
        delayMs = Math.min(delayMs * 2, options.maxRetryDelayMs ?? 300_000)
      }
    }
  }

  return {
    id: `full-sync:${options.baseId}`,
    firstSync,
    run() {
      running ??= loop().finally(() => rejectFirst(new Error('full sync service stopped')))
      return running
    },
    async stop() {
      controller.abort(new Error('full sync service stopped'))
      await running
    },
    async drain() {
      await current
    },
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
