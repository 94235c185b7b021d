/**
 * `GET /v1/mutations/{id}` (issue 4): where an accepted write is — its state, its record (the
 * real ID once a create is committed, the temporary one before), its error and attempts
 * (protocol/mutations.ts `MutationStatusBody`). A user sees only their own mutations; admins and
 * the service key see all. Anyone else's mutation is 404 NOT_FOUND, exactly like a missing one.
 */
import { Hono } from 'hono'
import { mutationErrorSchema, type MutationStatusBody } from '../../protocol/index.ts'
import { getMutations, type StoredMutation } from '../../store/index.ts'
import type { ApiContext, ApiEnv } from '../context.ts'
import { ApiError } from '../errors.ts'

/** The mutation route, mounted under `/v1`. */
export function mutationRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/mutations/:id', async (c) => {
    const principal = c.get('principal')
    const [mutation] = await getMutations(ctx.options.db, [c.req.param('id')])
    const mayRead =
      principal.kind === 'service' ||
      principal.role === 'admin' ||
      (mutation !== undefined && mutation.actor === principal.sub)
    if (mutation === undefined || mutation.baseId !== ctx.options.baseId || !mayRead) {
      throw new ApiError({ type: 'NOT_FOUND', message: 'Mutation not found' })
    }
    return c.json(statusOf(mutation))
  })
  return app
}

/** The wire shape of a stored mutation. */
export function statusOf(mutation: StoredMutation): MutationStatusBody {
  const error = mutationErrorSchema.safeParse(mutation.lastError)
  const recordId = mutation.recordId ?? mutation.tempRecordId
  return {
    id: mutation.mutationId,
    state: mutation.state,
    op: mutation.op,
    tableId: mutation.tableId,
    ...(recordId !== undefined && { recordId }),
    ...(mutation.tempRecordId !== undefined && { tempRecordId: mutation.tempRecordId }),
    attempts: mutation.attempts,
    // A queued mutation may carry the error of a retried attempt: it is only the outcome once failed.
    ...(mutation.state === 'failed' && error.success && { error: error.data }),
    createdAt: mutation.createdAt,
    ...(mutation.committedAt !== undefined && { committedAt: mutation.committedAt }),
  }
}
