/**
 * The outbox for operators (issue 4): `GET /v1/outbox` — depth (queued or sending), the oldest
 * pending mutation's age, held conflicts, and the failed mutations (newest first, `limit` ≤ 1000,
 * default 100) — and `POST /v1/outbox/{id}/retry` / `POST /v1/outbox/{id}/drop` for a failed
 * one (src/outbox operator.ts). Admins and the service key only.
 *
 * Answers: a mutation not in this base is 404 NOT_FOUND; one that is not failed (committed,
 * pending, held, dropped already) is 422 INVALID_REQUEST_UNKNOWN.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { applyOperatorAction } from '../../outbox/index.ts'
import { getMutations, listFailedMutations, outboxStats } from '../../store/index.ts'
import { requireAdmin } from '../auth-middleware.ts'
import type { ApiContext, ApiEnv } from '../context.ts'
import { ApiError, invalidRequest } from '../errors.ts'
import { parseQuery } from './conflicts.ts'
import { statusOf } from './mutations.ts'

const outboxQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/** The outbox routes, mounted under `/v1`. */
export function outboxRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  const { db, baseId } = ctx.options
  app.use('/outbox', requireAdmin())
  app.use('/outbox/*', requireAdmin())
  app.get('/outbox', async (c) => {
    const { limit } = parseQuery(outboxQuerySchema, c.req.query())
    const [stats, failed] = await Promise.all([
      outboxStats(db, baseId),
      listFailedMutations(db, { baseId, limit }),
    ])
    const nowMs = ctx.options.clock.now()
    return c.json({
      depth: stats.depth,
      oldestPendingAt: stats.oldestPendingAt,
      oldestPendingAgeMs:
        stats.oldestPendingAt === undefined
          ? undefined
          : Math.max(0, nowMs - Date.parse(stats.oldestPendingAt)),
      conflicts: stats.conflict,
      failed: failed.map(statusOf),
    })
  })
  for (const [verb, action] of [
    ['retry', 'requeue'],
    ['drop', 'drop'],
  ] as const) {
    app.post(`/outbox/:id/${verb}`, async (c) => {
      const id = c.req.param('id')
      const principal = c.get('principal')
      const outcome = await applyOperatorAction(db, baseId, {
        mutationId: id,
        action,
        by: principal.kind === 'service' ? 'service' : principal.sub,
      })
      if (outcome === 'not-found') {
        throw new ApiError({ type: 'NOT_FOUND', message: 'Mutation not found' })
      }
      if (outcome === 'not-failed') throw invalidRequest(`mutation ${id} has not failed`)
      const [mutation] = await getMutations(db, [id])
      return c.json({ outcome, mutation: mutation === undefined ? undefined : statusOf(mutation) })
    })
  }
  return app
}
