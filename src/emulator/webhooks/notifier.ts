/**
 * Sends the pings of one webhook: acts on {@link reducePing}'s effects with the injected fetch and
 * timers, signs each body (mac.ts) and records `lastNotificationResult`. Every timer goes through
 * the Timers port, so `stop()` leaves nothing behind.
 */
import type { Clock } from '../../shared/clock.ts'
import { contentMac } from './mac.ts'
import {
  IDLE,
  reducePing,
  type PingEffect,
  type PingEvent,
  type PingPolicy,
  type PingState,
} from './ping-machine.ts'
import type { TimerHandle, Timers } from './timers.ts'
import type { WebhookState } from './webhook-state.ts'

/** The subset of `fetch` pings need. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

export interface NotifierOptions extends PingPolicy {
  /** The receiver must answer within this time (airtable-api.md §7.3: 25 s). */
  timeoutMs: number
  clock: Clock
  timers: Timers
  fetch: FetchLike
}

export class Notifier {
  readonly #baseId: string
  readonly #hook: WebhookState
  readonly #options: NotifierOptions
  #state: PingState = IDLE
  #timer: TimerHandle | undefined
  #abort: AbortController | undefined
  /** Bumped on stop so answers to pings sent before it are ignored. */
  #generation = 0

  constructor(baseId: string, hook: WebhookState, options: NotifierOptions) {
    this.#baseId = baseId
    this.#hook = hook
    this.#options = options
  }

  /** A payload was stored (or the hook was created): ping soon, once per burst. */
  notify(): void {
    if (this.#hook.notificationUrl === null || !this.#hook.areNotificationsEnabled) return
    this.#dispatch({ type: 'payload' })
  }

  /** Cancels any waiting ping or retry and abandons one in flight. */
  stop(): void {
    this.#generation++
    this.#abort?.abort()
    this.#abort = undefined
    this.#dispatch({ type: 'stop' })
  }

  #dispatch(event: PingEvent): void {
    const { state, effects } = reducePing(this.#state, event, this.#options)
    this.#state = state
    for (const effect of effects) this.#run(effect)
  }

  #run(effect: PingEffect): void {
    switch (effect.kind) {
      case 'schedule':
        this.#timer?.cancel()
        this.#timer = this.#options.timers.after(effect.delayMs, () => {
          this.#timer = undefined
          this.#dispatch({ type: 'timer' })
        })
        return
      case 'cancel':
        this.#timer?.cancel()
        this.#timer = undefined
        return
      case 'send':
        void this.#send(effect.retryNumber)
        return
      case 'disable':
        this.#hook.areNotificationsEnabled = false
        return
    }
  }

  async #send(retryNumber: number): Promise<void> {
    const generation = this.#generation
    const url = this.#hook.notificationUrl
    const { clock, timers, timeoutMs } = this.#options
    const startMs = clock.now()
    const body = JSON.stringify({
      base: { id: this.#baseId },
      webhook: { id: this.#hook.id },
      timestamp: new Date(startMs).toISOString(),
    })
    const abort = new AbortController()
    this.#abort = abort
    const timeout = timers.after(timeoutMs, () =>
      abort.abort(new Error(`no answer within ${timeoutMs} ms`)),
    )
    let error: string | undefined
    try {
      if (url === null) throw new Error('the webhook has no notificationUrl')
      const response = await this.#options.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-airtable-content-mac': contentMac(this.#hook.macSecretBase64, body),
        },
        body,
        signal: abort.signal,
      })
      await response.body?.cancel()
      if (response.status !== 200 && response.status !== 204) {
        error = `The HTTP request returned a ${response.status} status code instead of 200 or 204`
      }
    } catch (cause) {
      error = abort.signal.aborted
        ? `The HTTP request timed out after ${timeoutMs} ms`
        : `The HTTP request failed: ${cause instanceof Error ? cause.message : String(cause)}`
    } finally {
      timeout.cancel()
    }
    if (generation !== this.#generation) return
    this.#abort = undefined
    this.#record(retryNumber, startMs, error)
    this.#dispatch({ type: error === undefined ? 'succeeded' : 'failed' })
  }

  #record(retryNumber: number, startMs: number, error: string | undefined): void {
    const endMs = this.#options.clock.now()
    const completionTimestamp = new Date(endMs).toISOString()
    const base = { completionTimestamp, durationMs: endMs - startMs, retryNumber }
    if (error === undefined) {
      this.#hook.lastNotificationResult = { success: true, ...base }
      this.#hook.lastSuccessfulNotificationTime = completionTimestamp
    } else {
      const willBeRetried = retryNumber < this.#options.maxRetries
      this.#hook.lastNotificationResult = {
        success: false,
        ...base,
        willBeRetried,
        error: { message: error },
      }
    }
  }
}
