/**
 * Verifies the `X-Airtable-Content-MAC` header of a webhook ping (airtable-api.md §7.3):
 * `hmac-sha256=` + lowercase hex of HMAC-SHA256(base64-decode(macSecretBase64), raw body bytes).
 * Web Crypto only, so it runs on Node and edge runtimes alike.
 */

const PREFIX = 'hmac-sha256='
const HEX_DIGEST = /^[0-9a-f]{64}$/i

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  // The key is the decoded bytes, not the base64 text nor a UTF-8 re-encoding of atob's output.
  const binary = atob(base64.trim())
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return bytes
}

/** Compares in time independent of where the inputs differ. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/** The header value Airtable would send for `rawBody`. */
export async function computeWebhookMac(
  macSecretBase64: string,
  rawBody: Uint8Array | string,
): Promise<string> {
  const digest = await hmac(macSecretBase64, rawBody)
  return PREFIX + [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

async function hmac(macSecretBase64: string, rawBody: Uint8Array | string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    base64ToBytes(macSecretBase64),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const data =
    typeof rawBody === 'string' ? new TextEncoder().encode(rawBody) : new Uint8Array(rawBody)
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, data))
}

/**
 * True when `header` is the MAC of `rawBody` (the bytes exactly as received) under the webhook's
 * secret. A missing or malformed header, or a malformed secret, is simply false.
 */
export async function verifyWebhookMac(
  macSecretBase64: string,
  rawBody: Uint8Array | string,
  header: string | null | undefined,
): Promise<boolean> {
  if (header === null || header === undefined) return false
  const trimmed = header.trim()
  if (!trimmed.toLowerCase().startsWith(PREFIX)) return false
  const hex = trimmed.slice(PREFIX.length)
  if (!HEX_DIGEST.test(hex)) return false
  let expected: Uint8Array
  try {
    expected = await hmac(macSecretBase64, rawBody)
  } catch {
    return false
  }
  return constantTimeEqual(expected, hexToBytes(hex))
}
