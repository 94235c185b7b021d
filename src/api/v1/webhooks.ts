/**
 * `POST /v1/webhooks/airtable`: Airtable's webhook pings (airtable-api.md §7.3). No bearer token:
 * the ping proves itself with `X-Airtable-Content-MAC` over the raw body, which the server's port
 * checks in constant time against the stored secret. A missing or forged MAC answers 401 in
 * Airtable's envelope and nothing is fetched; a genuine ping answers 200 with an empty body at
 * once (Airtable wants an answer within 25 s) while ingestion runs behind it.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { errorBody } from '../../protocol/index.ts'
import type { ApiContext, ApiEnv } from '../context.ts'

/** Pings are ~100 bytes; anything much larger is not one. */
const MAX_PING_BYTES = 16_384

/** The server's handling of a ping; `rejected` when the MAC does not verify. */
export type WebhookPingHandler = (ping: {
  /** The body exactly as received. */
  rawBody: Uint8Array
  /** The `X-Airtable-Content-MAC` header. */
  mac: string | undefined
}) => Promise<'accepted' | 'rejected'>

/** The ping route, mounted under `/v1/webhooks` before authentication. */
export function webhookRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  const handler = ctx.options.onWebhookPing
  app.post(
    '/airtable',
    bodyLimit({
      maxSize: MAX_PING_BYTES,
      onError: (c) => c.json(errorBody('REQUEST_TOO_LARGE', 'Ping body too large'), 413),
    }),
    async (c) => {
      if (handler === undefined) return c.json({ error: 'NOT_FOUND' }, 404)
      const rawBody = new Uint8Array(await c.req.arrayBuffer())
      const outcome = await handler({ rawBody, mac: c.req.header('x-airtable-content-mac') })
      if (outcome === 'rejected') {
        return c.json(
          errorBody('AUTHENTICATION_REQUIRED', 'Invalid or missing X-Airtable-Content-MAC'),
          401,
        )
      }
      return c.body(null, 200)
    },
  )
  return app
}
