/**
 * The webhooks API (airtable-api.md §7.1), a Hono sub-app mounted under `/v0`:
 * `/bases/:baseId/webhooks[/:webhookId[/enableNotifications|/refresh|/payloads]]`. Auth, rate
 * limits and faults are the parent app's; bases not attached to the hub answer 403.
 */
import { Hono, type Context } from 'hono'
import type { z } from 'zod'
import { isExpectedError, replyError } from '../http-errors.ts'
import { readJson } from '../routes/context.ts'
import { modelNotFound } from '../state/errors.ts'
import { EmulatorError } from '../state/types.ts'
import type { WebhookHub } from './hub.ts'
import type { WebhookRegistry } from './registry.ts'
import { createWebhookBodySchema, enableNotificationsBodySchema } from './spec.ts'

export interface WebhookRoutesDeps {
  hub: WebhookHub
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`
  throw new EmulatorError({
    type: 'INVALID_REQUEST_UNKNOWN',
    message: `Invalid request: parameter validation failed${where}: ${issue?.message ?? 'bad value'}`,
  })
}

/** An optional positive integer query parameter; anything else is 422. */
function intParam(c: Context, name: string): number | undefined {
  const raw = c.req.query(name)
  if (raw === undefined || raw === '') return undefined
  if (!/^\d+$/.test(raw)) {
    throw new EmulatorError({
      type: 'INVALID_REQUEST_UNKNOWN',
      message: `Invalid request: ${name} must be an integer`,
    })
  }
  return Number(raw)
}

/** Errors we raise become Airtable's envelope here; anything else goes to the parent app. */
export function handleWebhookError(error: Error, c: Context): Response {
  if (isExpectedError(error)) return replyError(c, error)
  throw error
}

/** The webhooks API as a sub-app for `/v0`. */
export function createWebhookRoutes(deps: WebhookRoutesDeps): Hono {
  const app = new Hono()
  app.onError(handleWebhookError)
  const registry = (c: Context): WebhookRegistry => {
    const found = deps.hub.registry(c.req.param('baseId') ?? '')
    if (found === undefined) throw modelNotFound()
    return found
  }
  const hookId = (c: Context): string => c.req.param('webhookId') ?? ''

  app.post('/bases/:baseId/webhooks', async (c) => {
    // The base is checked before the body: an unknown base is 403 whatever is sent.
    const hooks = registry(c)
    const body = parseBody(createWebhookBodySchema, await readJson(c))
    return c.json(hooks.create(body))
  })
  app.get('/bases/:baseId/webhooks', (c) => c.json(registry(c).list()))
  app.delete('/bases/:baseId/webhooks/:webhookId', (c) => {
    registry(c).delete(hookId(c))
    // The real body is undocumented [?]; the emulator always answers JSON.
    return c.json({})
  })
  app.post('/bases/:baseId/webhooks/:webhookId/enableNotifications', async (c) => {
    const hooks = registry(c)
    const { enable } = parseBody(enableNotificationsBodySchema, await readJson(c))
    hooks.enableNotifications(hookId(c), enable)
    return c.json({})
  })
  app.post('/bases/:baseId/webhooks/:webhookId/refresh', (c) =>
    c.json(registry(c).refresh(hookId(c))),
  )
  app.get('/bases/:baseId/webhooks/:webhookId/payloads', (c) => {
    const request: { cursor?: number; limit?: number } = {}
    const cursor = intParam(c, 'cursor')
    const limit = intParam(c, 'limit')
    if (cursor !== undefined) request.cursor = cursor
    if (limit !== undefined) request.limit = limit
    return c.json(registry(c).listPayloads(hookId(c), request))
  })
  return app
}
