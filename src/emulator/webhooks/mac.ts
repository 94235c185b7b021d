/**
 * The ping MAC exactly as Airtable computes it (airtable-api.md §7.3): HMAC-SHA256 over the raw
 * body bytes, keyed by the base64-DECODED secret, hex digest, `hmac-sha256=` prefix. Written here
 * independently of the server's verifier on purpose (STYLE.md: no shared MAC code).
 */
import { createHmac, randomBytes } from 'node:crypto'

/** The `X-Airtable-Content-MAC` header value for `body`. */
export function contentMac(macSecretBase64: string, body: string): string {
  const key = Buffer.from(macSecretBase64, 'base64')
  return `hmac-sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`
}

/** A fresh webhook secret: 32 random bytes, base64. */
export function newMacSecretBase64(): string {
  return randomBytes(32).toString('base64')
}
