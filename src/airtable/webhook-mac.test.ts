import { createHmac, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { computeWebhookMac, verifyWebhookMac } from './webhook-mac.ts'

/** The reference: Airtable's documented Node snippet, over the raw body (airtable-api.md §7.3). */
function referenceMac(macSecretBase64: string, body: Uint8Array): string {
  const key = Buffer.from(macSecretBase64, 'base64')
  return 'hmac-sha256=' + createHmac('sha256', key).update(body).digest('hex')
}

const ping =
  '{"base":{"id":"app00000000000000"},"webhook":{"id":"ach00000000000000"},"timestamp":"2022-02-01T21:25:05.663Z"}'

describe('verifyWebhookMac', () => {
  test('property: matches node:crypto for any secret and body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ maxLength: 512 }),
        async (secret, body) => {
          const macSecretBase64 = Buffer.from(secret).toString('base64')
          const header = referenceMac(macSecretBase64, body)
          expect(await computeWebhookMac(macSecretBase64, body)).toBe(header)
          expect(await verifyWebhookMac(macSecretBase64, body, header)).toBe(true)
          const tampered = Uint8Array.from([...body, 1])
          expect(await verifyWebhookMac(macSecretBase64, tampered, header)).toBe(false)
        },
      ),
      { numRuns: 200 },
    )
  })

  test('a string body is hashed as its UTF-8 bytes', async () => {
    const secret = randomBytes(32).toString('base64')
    const body = ping.replace('app0', 'appé')
    const header = referenceMac(secret, new TextEncoder().encode(body))
    expect(await verifyWebhookMac(secret, body, header)).toBe(true)
  })

  test('the key is the decoded secret, not its base64 text', async () => {
    const secret = randomBytes(32).toString('base64')
    const wrongKey = 'hmac-sha256=' + createHmac('sha256', secret).update(ping).digest('hex')
    expect(await verifyWebhookMac(secret, ping, wrongKey)).toBe(false)
  })

  test('another secret fails', async () => {
    const header = referenceMac(randomBytes(32).toString('base64'), Buffer.from(ping))
    expect(await verifyWebhookMac(randomBytes(32).toString('base64'), ping, header)).toBe(false)
  })

  test.each([
    { name: 'missing', header: undefined },
    { name: 'null', header: null },
    { name: 'empty', header: '' },
    { name: 'no prefix', header: 'a'.repeat(64) },
    { name: 'base64 digest', header: 'hmac-sha256=' + Buffer.alloc(32).toString('base64') },
    { name: 'short hex', header: 'hmac-sha256=abcd' },
    { name: 'non-hex', header: 'hmac-sha256=' + 'z'.repeat(64) },
  ])('a $name header is false', async ({ header }) => {
    expect(await verifyWebhookMac(randomBytes(32).toString('base64'), ping, header)).toBe(false)
  })

  test('a malformed secret is false, not a throw', async () => {
    expect(await verifyWebhookMac('%%%not base64', ping, 'hmac-sha256=' + '0'.repeat(64))).toBe(
      false,
    )
  })

  test('upper-case hex and surrounding spaces are accepted', async () => {
    const secret = randomBytes(16).toString('base64')
    const header = referenceMac(secret, Buffer.from(ping))
    const upper = ` hmac-sha256=${header.slice('hmac-sha256='.length).toUpperCase()} `
    expect(await verifyWebhookMac(secret, ping, upper)).toBe(true)
  })
})
