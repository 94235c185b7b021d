/**
 * Cursor paging of stored payloads (airtable-api.md §7.4). Cursors are payload numbers: the
 * response cursor is the number after the last payload returned; with nothing to return it is
 * the request cursor. A cursor older than every retained payload is undocumented [?]: the
 * emulator starts at the oldest retained one (or the next number) and keeps numbering.
 */
import type { WebhookPayload } from './payload-types.ts'
import type { StoredPayload } from './webhook-state.ts'

export interface PayloadPage {
  cursor: number
  mightHaveMore: boolean
  payloads: WebhookPayload[]
}

/** One page of payloads from `cursor`, at most `limit` of them. */
export function pagePayloads(
  stored: readonly StoredPayload[],
  request: { cursor: number; limit: number; nextPayloadNumber: number },
): PayloadPage {
  const oldest = stored[0]?.number ?? request.nextPayloadNumber
  const start = Math.max(request.cursor, oldest)
  const from = stored.findIndex((p) => p.number >= start)
  if (from === -1) return { cursor: start, mightHaveMore: false, payloads: [] }
  const page = stored.slice(from, from + request.limit)
  const last = page[page.length - 1]
  return {
    cursor: last === undefined ? start : last.number + 1,
    mightHaveMore: from + page.length < stored.length,
    payloads: page.map((p) => p.payload),
  }
}
