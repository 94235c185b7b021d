/**
 * Tabs sharing one queue (IndexedDB) must not both send it: only the holder of the queue lock
 * flushes. The lock is a Web Lock (`navigator.locks`, held for the tab's life and passed to the
 * next tab when it closes), or, where Web Locks are missing, a lease over BroadcastChannel: the
 * leader beats; a tab that has heard no beat for three beats (or heard the leader resign)
 * announces a claim and takes the lease one beat later unless a beat or a lower ID's claim
 * arrived meanwhile, so tabs claiming together agree on one holder (the lowest ID) before any
 * acts. Only a message delayed past a beat can make two leaders; the higher ID steps down at
 * the next beat, and each write's idempotency key keeps the server from applying it twice.
 * Tabs also tell each other through the channel that the queue changed.
 */

/** The queue lock. */
export interface TabLock {
  /** Starts competing; `onAcquire` runs when this tab becomes the holder. */
  start(onAcquire: () => void): void
  isHolder(): boolean
  stop(): void
}

/** Always the holder: a storage no other tab sees. */
export function soloLock(): TabLock {
  let held = false
  return {
    start(onAcquire) {
      held = true
      onAcquire()
    },
    isHolder: () => held,
    stop: () => {
      held = false
    },
  }
}

interface LockManagerLike {
  request(name: string, callback: () => Promise<void>): Promise<unknown>
}

/** The lock as a Web Lock. */
export function webLock(name: string, locks: LockManagerLike): TabLock {
  let held = false
  let release: (() => void) | undefined
  return {
    start(onAcquire) {
      void locks
        .request(name, () => {
          held = true
          onAcquire()
          return new Promise<void>((resolve) => (release = resolve))
        })
        .catch(() => undefined)
    },
    isHolder: () => held,
    stop() {
      held = false
      release?.()
    },
  }
}

type LeaseMessage = { kind: 'beat' | 'claim' | 'resign'; id: string }

/** The lock as a lease over BroadcastChannel (see the module header). */
export function leaseLock(name: string, options: { beatMs?: number } = {}): TabLock {
  const beatMs = options.beatMs ?? 1000
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  const channel = new BroadcastChannel(name)
  const post = (kind: LeaseMessage['kind']): void =>
    channel.postMessage({ kind, id } satisfies LeaseMessage)
  let leader: string | undefined
  let lastBeatMs = 0
  let claimedAtMs: number | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  let acquire: () => void = () => undefined
  const tick = (): void => {
    const now = Date.now()
    if (leader === id) return post('beat')
    if (claimedAtMs !== undefined) {
      if (now - claimedAtMs < beatMs) return
      // Nobody objected for a beat: the lease is ours.
      claimedAtMs = undefined
      leader = id
      post('beat')
      acquire()
      return
    }
    if (now - lastBeatMs > 3 * beatMs) {
      claimedAtMs = now
      post('claim')
    }
  }
  channel.onmessage = (event: MessageEvent<LeaseMessage>) => {
    const message = event.data
    if (message.kind === 'resign') {
      if (leader === message.id) {
        leader = undefined
        lastBeatMs = 0 // claim at the next tick
      }
      return
    }
    if (leader === id) {
      // Another tab claims or beats while we lead: a lower ID wins, else we tell them at once.
      if (message.kind === 'beat' && message.id < id) leader = message.id
      else post('beat')
      lastBeatMs = Date.now()
      return
    }
    if (message.kind === 'claim') {
      if (claimedAtMs !== undefined && message.id < id) {
        claimedAtMs = undefined
        lastBeatMs = Date.now() // let the lower ID finish its claim
      }
      return
    }
    leader = message.id
    lastBeatMs = Date.now()
    claimedAtMs = undefined
  }
  return {
    start(onAcquire) {
      acquire = onAcquire
      timer = setInterval(tick, beatMs)
    },
    isHolder: () => leader === id,
    stop() {
      if (timer !== undefined) clearInterval(timer)
      if (leader === id) post('resign')
      leader = undefined
      channel.close()
    },
  }
}

/** The best lock available for a storage shared by tabs. */
export function sharedLock(name: string): TabLock {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks
  if (locks !== undefined) return webLock(name, locks)
  if (typeof BroadcastChannel === 'function') return leaseLock(name)
  return soloLock()
}

/** Tells other tabs that the queue changed (and hears them). */
export interface QueueChannel {
  post(message: QueueMessage): void
  close(): void
}

/** What tabs tell each other. */
export type QueueMessage =
  | { kind: 'changed' }
  | {
      kind: 'settled'
      writeId: string
      table: string
      outcome: 'committed' | 'failed' | 'conflict'
      errorType?: string
      errorMessage?: string
      errorStatus?: number
      idMap?: Record<string, string>
    }

/** Opens the channel (a no-op where BroadcastChannel is missing). */
export function openQueueChannel(
  name: string,
  onMessage: (message: QueueMessage) => void,
): QueueChannel {
  if (typeof BroadcastChannel !== 'function')
    return { post: () => undefined, close: () => undefined }
  const channel = new BroadcastChannel(name)
  channel.onmessage = (event: MessageEvent<QueueMessage>) => onMessage(event.data)
  return { post: (message) => channel.postMessage(message), close: () => channel.close() }
}
