/**
 * The comments API (airtable-api.md §2.11), mounted under `/v0`: list, create, update and delete
 * the comments of one record. The record must exist (404 MODEL_ID_NOT_FOUND otherwise, as a
 * record GET answers); the author is the token's user.
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { commentInputSchema, MAX_COMMENT_PAGE_SIZE } from '../../protocol/comments.ts'
import type { CommentTarget } from '../comments.ts'
import type { EmulatorEnv } from '../env.ts'
import { EmulatorError } from '../state/index.ts'
import { readJson, RESERVED_BASE_SEGMENTS, type RouteContext } from './context.ts'

const PATH = '/:baseId/:table/:recordId/comments'

const pageSizeSchema = z.coerce.number().int().min(1).max(MAX_COMMENT_PAGE_SIZE)
const textSchema = commentInputSchema.pick({ text: true })

function invalid(detail: string): EmulatorError {
  return new EmulatorError({
    type: 'INVALID_REQUEST_UNKNOWN',
    message: `Invalid request: parameter validation failed. ${detail}`,
  })
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw invalid(issue === undefined ? '' : `${issue.path.join('.')}: ${issue.message}`)
  }
  return result.data
}

/** The record the path names; throws when the base, table or record is unknown. */
function targetOf(ctx: RouteContext, c: Context<EmulatorEnv>): CommentTarget | undefined {
  const baseId = c.req.param('baseId') ?? ''
  if (RESERVED_BASE_SEGMENTS.has(baseId)) return undefined
  const base = ctx.bases.require(baseId)
  const tableId = base.table(c.req.param('table') ?? '').id
  const record = base.get(tableId, c.req.param('recordId') ?? '')
  return { baseId: base.id, tableId, recordId: record.id }
}

/** Comment routes over `ctx.comments`. */
export function commentRoutes(ctx: RouteContext): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()
  const { comments } = ctx

  app.get(PATH, (c) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const size = c.req.query('pageSize')
    const offset = c.req.query('offset')
    const pageSize = size === undefined ? MAX_COMMENT_PAGE_SIZE : parse(pageSizeSchema, size)
    return c.json(comments.list(target, { pageSize, ...(offset !== undefined && { offset }) }))
  })

  app.post(PATH, async (c) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const input = parse(commentInputSchema, await readJson(c))
    const user = c.get('user')
    return c.json(
      comments.create(target, {
        author: {
          id: user.id,
          email: user.email ?? '',
          ...(user.name !== undefined && { name: user.name }),
        },
        text: input.text,
        ...(input.parentCommentId !== undefined && { parentCommentId: input.parentCommentId }),
      }),
    )
  })

  app.patch(`${PATH}/:commentId`, async (c) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const { text } = parse(textSchema, await readJson(c))
    const commentId = c.req.param('commentId')
    return c.json(comments.update(target, { commentId, authorId: c.get('user').id, text }))
  })

  app.delete(`${PATH}/:commentId`, (c) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const commentId = c.req.param('commentId')
    comments.delete(target, { commentId, authorId: c.get('user').id })
    return c.json({ id: commentId, deleted: true })
  })

  return app
}
