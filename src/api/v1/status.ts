/**
 * `GET /v1/status` (issue 3): the server's own report — `ready` once the first full sync is
 * done, and per table its rows, last sync and lag (src/server/status.ts builds it). The API only
 * serves it, so it asks no more of its shape than `ready`; every other key is sent as given.
 */
import { Hono } from 'hono'
import type { ApiContext, ApiEnv } from '../context.ts'

/** What the server reports: at least `ready`; the rest is passed through as JSON. */
export interface StatusReport {
  readonly ready: boolean
}

/** The status route, mounted under `/v1`. */
export function statusRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/status', async (c) => {
    const report: object = await ctx.options.status()
    // JSON.stringify drops undefined values, as the server's optional keys expect.
    return c.body(JSON.stringify(report), 200, { 'content-type': 'application/json' })
  })
  return app
}
