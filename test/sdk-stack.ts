/**
 * Helpers for the SDK's tests against the real stack (test/stack.ts) in Node: a `fetch` that
 * counts what the client sends (and may rewrite a request on its way, as a proxy would), reads
 * of what the emulator (Airtable) holds, edits "in Airtable's UI", and polling for a condition.
 */
import type { Stack } from './stack.ts'

/** A `fetch` for the client that counts requests by `METHOD path` (query dropped). */
export interface CountingFetch {
  fetch: (request: Request) => Promise<Response>
  counts: Map<string, number>
  /** Requests whose `METHOD path` starts with `prefix`. */
  total(prefix: string): number
}

/** Counts requests; `rewrite` may replace a request before it is sent. */
export function countingFetch(rewrite?: (request: Request) => Request): CountingFetch {
  const counts = new Map<string, number>()
  return {
    counts,
    fetch: (request) => {
      const key = `${request.method} ${decodeURIComponent(new URL(request.url).pathname)}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
      return fetch(rewrite?.(request) ?? request)
    },
    total: (prefix) =>
      [...counts].filter(([k]) => k.startsWith(prefix)).reduce((n, [, c]) => n + c, 0),
  }
}

/** A record's fields as the emulator (Airtable) holds them. */
export async function upstream(
  stack: Stack,
  table: string,
  id: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(
    `${stack.emulator.url}/v0/${stack.baseId}/${encodeURIComponent(table)}/${id}`,
    { headers: { authorization: `Bearer ${stack.emulator.token}` } },
  )
  if (!response.ok) throw new Error(`${table} ${id}: ${response.status}`)
  return ((await response.json()) as { fields: Record<string, unknown> }).fields
}

/** Creates or updates records as the operations team does in Airtable's UI (emulator control). */
export async function uiEdit(
  stack: Stack,
  table: string,
  edit: {
    action: 'create' | 'update'
    records: readonly { id?: string; fields: Record<string, unknown> }[]
  },
): Promise<{ id: string }[]> {
  const response = await fetch(
    `${stack.emulator.url}/__emulator/bases/${stack.baseId}/tables/${encodeURIComponent(table)}/records`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.emulator.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(edit),
    },
  )
  if (!response.ok) throw new Error(`UI ${edit.action} in ${table}: ${response.status}`)
  return ((await response.json()) as { records: { id: string }[] }).records
}

/** Updates records as the operations team does in Airtable's UI. */
export async function uiUpdate(
  stack: Stack,
  table: string,
  records: readonly { id: string; fields: Record<string, unknown> }[],
): Promise<void> {
  await uiEdit(stack, table, { action: 'update', records })
}

/** Polls `check` every 50 ms until it holds. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
