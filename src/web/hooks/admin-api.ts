/**
 * The operators' endpoints the admin page reads (`/v1/status`, `/v1/outbox`, `/v1/conflicts`,
 * `/v1/audit`; admin role). Plain requests: these are not Airtable tables, so the data client
 * does not cache them. Shapes are the server's (src/api/v1/*), narrowed to what the page shows.
 */
import { useCallback, useEffect, useState } from 'react'
import { API_URL } from './airsync.tsx'
import type { AuthSession } from './auth.ts'

/** One table of `/v1/status`. */
export interface TableStatusBody {
  id: string
  name: string
  status: string
  rows: number
  lastSyncAt?: string
  lagMs?: number
  error?: string
}
/** `/v1/status`. */
export interface StatusBody {
  ready: boolean
  lastFullSyncAt?: string
  ingest?: { mode: string; cursor?: number }
  tables: TableStatusBody[]
}
/** A mutation of `/v1/outbox`. */
export interface MutationBody {
  id: string
  state: string
  op: string
  tableId: string
  recordId?: string
  attempts: number
  error?: { type: string; message?: string }
  createdAt: string
}
/** `/v1/outbox`. */
export interface OutboxBody {
  depth: number
  oldestPendingAgeMs?: number
  conflicts: number
  failed: MutationBody[]
}
/** A conflict of `/v1/conflicts`. */
export interface ConflictBody {
  id: string
  tableName?: string
  recordId: string
  policy: string
  status: 'open' | 'resolved'
  fields: { id: string; name: string; base: unknown; local: unknown; remote: unknown }[]
  resolution?: string
  createdAt: string
}
/** An entry of `/v1/audit`. */
export interface AuditBody {
  id: number
  at: string
  actor?: string
  source: string
  action: string
  tableId?: string
  recordId?: string
  outcome: string
}

/** Sends an admin request; throws with the server's message on an error answer. */
export async function adminRequest<T>(
  session: AuthSession,
  path: string,
  init: RequestInit = {},
): Promise<T> {
  const response = await fetch(`${API_URL}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${await session.getToken()}`,
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
    },
  })
  const body = (await response.json().catch(() => undefined)) as
    { error?: { message?: string; type?: string } } | undefined
  if (!response.ok) {
    throw new Error(body?.error?.message ?? body?.error?.type ?? `HTTP ${response.status}`)
  }
  return body as T
}

/** A GET that reloads on `reload()` and every `intervalMs`. */
export function useAdminGet<T>(
  session: AuthSession,
  path: string,
  intervalMs = 5000,
): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const reload = useCallback(() => {
    adminRequest<T>(session, path).then(
      (value) => {
        setData(value)
        setError(undefined)
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    )
  }, [session, path])
  useEffect(() => {
    reload()
    const timer = setInterval(reload, intervalMs)
    return () => clearInterval(timer)
  }, [reload, intervalMs])
  return { data, error, reload }
}
