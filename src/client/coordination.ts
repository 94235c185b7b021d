/**
 * Tabs sharing one queue (IndexedDB) must not both send it: only the holder of the queue lock
 * flushes. The lock is a Web Lock (`navigator.locks`, held for the tab's life and passed to the
 * next tab when it closes), or, where Web Locks are missing, a lease over BroadcastChannel (the
 * leader heartbeats; a tab that has heard none for three beats claims, lower ID wins a tie). A
 * brief double leadership in the fallback cannot apply a write twice: each write carries its
 * idempotency key. Tabs also tell each other through the channel that the queue changed.
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

type LeaseMessage = { kind: 'beat' | 'resign'; id: string }

/** The lock as a lease over BroadcastChannel (see the module header). */
export function leaseLock(name: string, options: { beatMs?: number } = {}): TabLock {
  const beatMs = options.beatMs ?? 1000
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  const channel = new BroadcastChannel(name)
  let leader: string | undefined
  let lastBeatMs = 0
  let timer: ReturnType<typeof setInterval> | undefined
  let acquire: () => void = () => undefined
  const become = (): void => {
    const was = leader === id
    leader = id
    lastBeatMs = Date.now()
    channel.postMessage({ kind: 'beat', id } satisfies LeaseMessage)
    if (!was) acquire()
  }
  channel.onmessage = (event: MessageEvent<LeaseMessage>) => {
    const message = event.data
    if (message.kind === 'resign') {
      if (leader === message.id) become()
      return
    }
    if (leader === id && message.id > id) return // we win the tie; our next beat tells them
    leader = message.id
    lastBeatMs = Date.now()
  }
  return {
    start(onAcquire) {
      acquire = onAcquire
      timer = setInterval(() => {
        if (leader === id || Date.now() - lastBeatMs > 3 * beatMs) become()
      }, beatMs)
    },
    isHolder: () => leader === id,
    stop() {
      if (timer !== undefined) clearInterval(timer)
      if (leader === id) channel.postMessage({ kind: 'resign', id } satisfies LeaseMessage)
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
