/**
 * IDs the SDK makes: temporary record IDs (`tmp` + 14 characters, the server's shape from
 * protocol/mutations.ts, so a temporary ID looks the same whoever made it), queued write IDs
 * that sort in enqueue order, and idempotency keys.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function randomChars(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count))
  let out = ''
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length]
  return out
}

/** A temporary record ID for a record created on this device. */
export function newTempRecordId(): string {
  return `tmp${randomChars(14)}`
}

/** True for a temporary record ID. */
export function isTempRecordId(id: string): boolean {
  return /^tmp[A-Za-z0-9]{14}$/.test(id)
}

let counter = 0

/** A queued write's ID: sorts by time, then by a per-page counter, then randomly. */
export function newWriteId(nowMs: number): string {
  counter = (counter + 1) % 1_000_000
  return `${nowMs.toString(36).padStart(10, '0')}-${counter.toString(36).padStart(4, '0')}-${randomChars(6)}`
}

/** An idempotency key. */
export function newIdempotencyKey(): string {
  return `sdk-${randomChars(24)}`
}
