/** `GET /metrics`: the whole registry in Prometheus' text format. */
import { Hono } from 'hono'
import type { ApiContext, ApiEnv } from '../context.ts'

/** The metrics route, mounted at the root. */
export function metricsRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/metrics', async (c) => {
    const registry = ctx.options.metrics
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType })
  })
  return app
}
