/**
 * The online signal port: whether the device believes it has a network, and when that changes.
 * Two implementations: the browser's (`navigator.onLine` and the window's online/offline
 * events; always online where those do not exist, e.g. Node), and a manual one for tests.
 * The SDK also treats a failed fetch as offline until the next success (captive portals and
 * dead Wi-Fi report onLine = true).
 */

/** Whether the device is online, and changes. */
export interface OnlineSignal {
  isOnline(): boolean
  /** Calls `listener` on each change; returns the unsubscribe. */
  subscribe(listener: (online: boolean) => void): () => void
}

/** The browser's signal (always online where `navigator.onLine` is missing). */
export function browserOnlineSignal(): OnlineSignal {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator
  const target = globalThis as unknown as Partial<EventTarget>
  return {
    isOnline: () => nav?.onLine !== false,
    subscribe(listener) {
      if (typeof target.addEventListener !== 'function') return () => undefined
      const online = (): void => listener(true)
      const offline = (): void => listener(false)
      target.addEventListener('online', online)
      target.addEventListener('offline', offline)
      return () => {
        target.removeEventListener?.('online', online)
        target.removeEventListener?.('offline', offline)
      }
    },
  }
}

/** A signal the caller sets (tests). */
export function manualOnlineSignal(initial = true): OnlineSignal & { set(online: boolean): void } {
  let online = initial
  const listeners = new Set<(online: boolean) => void>()
  return {
    isOnline: () => online,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(next) {
      if (next === online) return
      online = next
      for (const listener of listeners) listener(next)
    },
  }
}
