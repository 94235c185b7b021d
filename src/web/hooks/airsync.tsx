/**
 * The React adapter over the SDK (STYLE.md habit 14): the one place that creates the client and
 * the only React code that touches it. Pages use `useList`, `useSyncState`, `useSdkEvents` and
 * `useClient`; each reads a snapshot with `useSyncExternalStore`, so a render never sees a torn
 * state. A list is fetched once per mount (or when its table or options change), never per
 * render: the SDK reads a query when its first subscriber comes and shares it after that.
 *
 * The client keeps its offline queue in IndexedDB (one queue per user, so a shared device never
 * sends one user's writes with another's token) and lets one tab send it (Web Locks).
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react'
import {
  browserOnlineSignal,
  createAirsyncClient,
  indexedDbStorage,
  PRESENCE_TABLE_CONFIG,
  type AirsyncClient,
} from '../../client/index.ts'
import type { PresenceTables } from '../../protocol/presence.generated.ts'
import type { AuthSession } from './auth.ts'
import type { ClientSnapshot, ListOptions, ListSnapshot, SdkEvent } from './types.ts'

/** The Presence base the app talks to. */
export const PRESENCE_BASE_ID = 'appPresenceDemo01'

/** airsync's origin: the page's own (the server serves the app), unless built for another. */
export const API_URL: string =
  (import.meta.env['VITE_AIRSYNC_URL'] as string | undefined) ?? window.location.origin

/** The client the pages use. */
export type WebClient = AirsyncClient<PresenceTables>

const ClientContext = createContext<WebClient | undefined>(undefined)

/** The client for a signed-in user: a queue per user, so a shared device never mixes them. */
function createWebClient(session: AuthSession): WebClient {
  return createAirsyncClient<PresenceTables>({
    url: API_URL,
    baseId: PRESENCE_BASE_ID,
    getToken: session.getToken,
    tables: PRESENCE_TABLE_CONFIG,
    storage: indexedDbStorage({
      name: `presence-queue:${PRESENCE_BASE_ID}:${session.sub || session.email}`,
    }),
    online: browserOnlineSignal(),
  })
}

/**
 * Creates the client for a signed-in user and closes it when the user changes or the provider
 * unmounts. Created in an effect, not a memo: StrictMode (development) mounts twice, and a memo
 * would hand the second mount the client the first unmount closed.
 */
export function ClientProvider(props: { session: AuthSession; children: ReactNode }): ReactNode {
  const { session } = props
  const [client, setClient] = useState<WebClient | undefined>(undefined)
  useEffect(() => {
    const created = createWebClient(session)
    setClient(created)
    return () => {
      setClient(undefined)
      void created.close()
    }
  }, [session])
  if (client === undefined) return null
  return <ClientContext.Provider value={client}>{props.children}</ClientContext.Provider>
}

/** The client (inside {@link ClientProvider}). */
export function useClient(): WebClient {
  const client = useContext(ClientContext)
  if (client === undefined) throw new Error('useClient outside ClientProvider')
  return client
}

/** A live list of a Presence table. */
export function useList<K extends keyof PresenceTables>(
  table: K,
  options: ListOptions<PresenceTables[K]> = {},
): ListSnapshot<PresenceTables[K]> {
  const client = useClient()
  const key = JSON.stringify(options)
  // `key` stands for `options`: callers pass a fresh object literal each render.
  const watch = useMemo(() => client.watchList(table, options), [client, table, key])
  // Stable functions: a new `subscribe` per render would make React re-subscribe each render.
  const subscribe = useCallback((listener: () => void) => watch.subscribe(listener), [watch])
  const getSnapshot = useCallback(() => watch.getSnapshot(), [watch])
  return useSyncExternalStore(subscribe, getSnapshot)
}

/** Online state, stream state and the count of changes waiting to sync. */
export function useSyncState(): ClientSnapshot {
  const client = useClient()
  const subscribe = useCallback((listener: () => void) => client.subscribe(listener), [client])
  const getSnapshot = useCallback(() => client.getSnapshot(), [client])
  return useSyncExternalStore(subscribe, getSnapshot)
}

/** Calls `listener` for each SDK event while mounted. */
export function useSdkEvents(listener: (event: SdkEvent) => void): void {
  const client = useClient()
  useEffect(() => client.subscribe(listener), [client, listener])
}
