/**
 * The comments API (airtable-api.md §2.11), passed through to Airtable: the mirror holds no
 * comments. `GET|POST /v0/{baseId}/{table}/{recordId}/comments`,
 * `PATCH|DELETE …/comments/{commentId}`.
 *
 * Policy: a caller lists and adds comments on a record they can read (the table's read access and
 * its row filter, checked against the mirror; otherwise 404 MODEL_ID_NOT_FOUND as for a missing
 * record). Every comment sent through airsync is written by the server's Airtable token, so
 * Airtable's "authors edit only their own" would let any caller edit anyone's: changing and
 * deleting comments is for the service key and admins (403 INVALID_PERMISSIONS otherwise).
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import {
  commentInputSchema,
  DEFAULT_MESSAGES,
  MAX_COMMENT_PAGE_SIZE,
} from '../../protocol/index.ts'
import { readTarget, type ApiContext, type ApiEnv } from '../context.ts'
import { ApiError, invalidRequest } from '../errors.ts'
import type { UpstreamPort } from '../options.ts'
import { admittedRecord } from './get.ts'
import { readJson } from './list.ts'

const PATH = '/:baseId/:table/:recordId/comments'
const pageSizeSchema = z.coerce.number().int().min(1).max(MAX_COMMENT_PAGE_SIZE)
const textSchema = commentInputSchema.pick({ text: true })

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw invalidRequest(
    issue === undefined ? undefined : `${issue.path.join('.')}: ${issue.message}`,
  )
}

/** The table ID and record ID, once the caller is known to read the record. */
async function readable(
  ctx: ApiContext,
  c: Context<ApiEnv>,
): Promise<{ tableId: string; recordId: string }> {
  const target = readTarget(ctx, {
    principal: c.get('principal'),
    baseId: c.req.param('baseId') ?? '',
    table: c.req.param('table') ?? '',
  })
  const recordId = c.req.param('recordId') ?? ''
  await admittedRecord(ctx, { target, recordId, consistency: 'eventual' })
  return { tableId: target.table.id, recordId }
}

function requireModerator(c: Context<ApiEnv>): void {
  const principal = c.get('principal')
  if (principal.kind === 'service' || principal.role === 'admin') return
  throw new ApiError({
    type: 'INVALID_PERMISSIONS',
    message: DEFAULT_MESSAGES.INVALID_PERMISSIONS,
  })
}

/** Comment routes, mounted under `/v0`; absent without an upstream port. */
export function commentRoutes(ctx: ApiContext, upstream: UpstreamPort): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()

  app.get(PATH, async (c) => {
    const record = await readable(ctx, c)
    const size = c.req.query('pageSize')
    const offset = c.req.query('offset')
    return c.json(
      await upstream.comments({
        kind: 'list',
        ...record,
        ...(size !== undefined && { pageSize: parse(pageSizeSchema, size) }),
        ...(offset !== undefined && { offset }),
      }),
    )
  })

  app.post(PATH, async (c) => {
    const record = await readable(ctx, c)
    const input = parse(commentInputSchema, await readJson(c))
    return c.json(await upstream.comments({ kind: 'create', ...record, input }))
  })

  app.patch(`${PATH}/:commentId`, async (c) => {
    requireModerator(c)
    const record = await readable(ctx, c)
    const { text } = parse(textSchema, await readJson(c))
    const commentId = c.req.param('commentId')
    return c.json(await upstream.comments({ kind: 'update', ...record, commentId, text }))
  })

  app.delete(`${PATH}/:commentId`, async (c) => {
    requireModerator(c)
    const record = await readable(ctx, c)
    const commentId = c.req.param('commentId')
    return c.json(await upstream.comments({ kind: 'delete', ...record, commentId }))
  })

  return app
}
