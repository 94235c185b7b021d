/**
 * Test controls for webhooks, a sub-app mounted under `/__emulator` (behind its token):
 * expire a webhook now, drop stored payloads (so a client's cursor is lost), read a webhook's
 * secret again, and see every webhook with its state.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { readJson } from '../routes/context.ts'
import { modelNotFound } from '../state/errors.ts'
import { EmulatorError } from '../state/types.ts'
import type { WebhookHub } from './hub.ts'
import { handleWebhookError } from './routes.ts'

const dropBodySchema = z.object({
  /** Drop payloads numbered below this; all when absent. */
  beforeCursor: z.number().int().min(1).optional(),
})

/** Control routes for webhooks, for `/__emulator`. */
export function createWebhookControlRoutes(deps: { hub: WebhookHub }): Hono {
  const app = new Hono()
  app.onError(handleWebhookError)
  const registry = (baseId: string | undefined) => {
    const found = deps.hub.registry(baseId ?? '')
    if (found === undefined) throw modelNotFound()
    return found
  }

  app.get('/bases/:baseId/webhooks', (c) => c.json(registry(c.req.param('baseId')).list()))
  app.post('/bases/:baseId/webhooks/:webhookId/expire', (c) => {
    const hooks = registry(c.req.param('baseId'))
    hooks.expireNow(c.req.param('webhookId'))
    return c.json(hooks.get(c.req.param('webhookId')))
  })
  app.post('/bases/:baseId/webhooks/:webhookId/drop-payloads', async (c) => {
    const parsed = dropBodySchema.safeParse(await readJson(c))
    if (!parsed.success) {
      throw new EmulatorError({
        type: 'INVALID_REQUEST_UNKNOWN',
        message: 'Invalid request: beforeCursor must be a positive integer',
      })
    }
    const hooks = registry(c.req.param('baseId'))
    return c.json(hooks.dropPayloads(c.req.param('webhookId'), parsed.data.beforeCursor))
  })
  app.get('/bases/:baseId/webhooks/:webhookId/secret', (c) => {
    const secret = registry(c.req.param('baseId')).secretOf(c.req.param('webhookId'))
    return c.json({ macSecretBase64: secret })
  })
  return app
}
