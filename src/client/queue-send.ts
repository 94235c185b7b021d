/**
 * Sending one queued write (pure request shaping + the answer's reading): the Airtable-shaped
 * request for its op, with `Idempotency-Key` and `Prefer: respond-async`, and the server's
 * mutation per record. A 200 (a replay of a write that had waited) is read as committed.
 * Also the temporary-ID rewrite applied to later writes when a create learns its real ID.
 */
import type { AirtableRecord } from '../protocol/index.ts'
import type { Http } from './http.ts'
import type { QueuedWrite } from './storage.ts'
import { readAccepted, readRecord } from './wire.ts'

/** The server's answer per record, in request order. */
export type Accepted = NonNullable<QueuedWrite['accepted']>

/** The mutation states after which nothing changes. */
export const FINAL_STATES: ReadonlySet<string> = new Set(['committed', 'failed', 'conflict'])

/** Sends `write`; throws AirsyncError when refused or unanswered. */
export async function sendWrite(
  http: Http,
  write: QueuedWrite,
): Promise<{ accepted: Accepted; records?: AirtableRecord[] }> {
  const headers = { 'Idempotency-Key': write.idempotencyKey, Prefer: 'respond-async' }
  const path = http.tablePath(write.table)
  const withBase = (r: QueuedWrite['records'][number]): Record<string, unknown> =>
    r.baseFields === undefined ? {} : { baseFields: r.baseFields }
  let body: unknown
  if (write.op === 'delete') {
    const query = write.records.map((r) => `records[]=${encodeURIComponent(r.id)}`).join('&')
    body = await http.json({ method: 'DELETE', path: `${path}?${query}`, headers })
  } else if (write.op === 'create') {
    const records = write.records.map((r) => ({ fields: r.fields ?? {}, ...withBase(r) }))
    body = await http.json({ method: 'POST', path, headers, body: { records } })
  } else {
    const records = write.records.map((r) => ({ id: r.id, fields: r.fields ?? {}, ...withBase(r) }))
    body = await http.json({ method: 'PATCH', path, headers, body: { records } })
  }
  if (typeof body === 'object' && body !== null && 'mutations' in body) {
    return {
      accepted: readAccepted(body).map((m) => ({
        mutationId: m.id,
        state: m.state,
        ...(m.recordId !== undefined && { recordId: m.recordId }),
      })),
    }
  }
  const list = (body as { records?: unknown }).records
  const answered = Array.isArray(list) ? list : [body]
  const records = write.op === 'delete' ? [] : answered.map(readRecord)
  return {
    accepted: write.records.map((r, i) => ({
      mutationId: '',
      state: 'committed',
      recordId: records[i]?.id ?? r.id,
    })),
    records,
  }
}

/** Rewrites record IDs `from` → `to` in `writes`; returns the writes that changed. */
export function rewriteIds(
  writes: readonly QueuedWrite[],
  from: string,
  to: string,
): QueuedWrite[] {
  const changed: QueuedWrite[] = []
  for (const write of writes) {
    if (write.state !== 'pending') continue
    let touched = false
    for (const record of write.records) {
      if (record.id === from) {
        record.id = to
        touched = true
      }
    }
    if (touched) changed.push(write)
  }
  return changed
}

/** The outcome of a write whose mutations are all final. */
export function outcomeOf(accepted: Accepted): 'committed' | 'failed' | 'conflict' | undefined {
  if (!accepted.every((m) => FINAL_STATES.has(m.state))) return undefined
  if (accepted.some((m) => m.state === 'failed')) return 'failed'
  if (accepted.some((m) => m.state === 'conflict')) return 'conflict'
  return 'committed'
}
