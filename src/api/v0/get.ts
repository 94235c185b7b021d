/**
 * Get one record (airtable-api.md §2.5), `GET /v0/{baseId}/{table}/{recordId}`: from the mirror
 * (or Airtable for `consistency=strong`), answered only when the caller's row filter admits it;
 * otherwise 404 MODEL_ID_NOT_FOUND exactly as for a record that does not exist.
 */
import { Hono } from 'hono'
import { airtableRecordSchema, parseRenderQuery } from '../../protocol/index.ts'
import { getRecord, type MirrorRecord } from '../../store/index.ts'
import { readTarget, type ApiContext, type ApiEnv, type ReadTarget } from '../context.ts'
import { ApiError, recordNotFound } from '../errors.ts'
import { renderedFields } from '../render.ts'
import { admits } from '../select.ts'
import type { LinkedCells } from '../links.ts'
import { render, strongLinked } from './list.ts'
import { consistencyOf, type Consistency } from './read-request.ts'

/** The route for one record, mounted under `/v0`. */
export function getRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/:baseId/:table/:recordId', async (c) => {
    const query = new URL(c.req.url).searchParams
    const params = parseRenderQuery(query, {
      requireLocaleForStringFormat: ctx.options.requireLocaleForStringFormat,
    })
    const consistency = consistencyOf(query.get('consistency'))
    const target = readTarget(ctx, {
      principal: c.get('principal'),
      baseId: c.req.param('baseId'),
      table: c.req.param('table'),
    })
    const fields = renderedFields(target.visible, params.fields)
    const { record, linked } = await admittedRecord(ctx, {
      target,
      recordId: c.req.param('recordId'),
      consistency,
    })
    const [rendered] = await render(ctx, { target, params, fields, page: [record], linked })
    return c.json(rendered)
  })
  return app
}

/**
 * The record as the caller may read it (with its linked cells for rendering), or 404
 * MODEL_ID_NOT_FOUND when it does not exist or the caller's row filter does not admit it.
 */
export async function admittedRecord(
  ctx: ApiContext,
  request: { target: ReadTarget; recordId: string; consistency: Consistency },
): Promise<{ record: MirrorRecord; linked: LinkedCells }> {
  const { target, recordId } = request
  const record =
    request.consistency === 'strong'
      ? await strongRecord(ctx, target.table.id, recordId)
      : await getRecord(ctx.options.db, {
          baseId: ctx.options.baseId,
          tableId: target.table.id,
          id: recordId,
        })
  if (record === undefined) throw recordNotFound()
  const linked = await strongLinked(ctx, {
    target,
    filter: target.access.rowFilter,
    rows: [record],
  })
  const nowMs = ctx.options.clock.now()
  if (!admits(target.access.rowFilter, { table: target.table, record, linked, nowMs })) {
    throw recordNotFound()
  }
  return { record, linked }
}

async function strongRecord(
  ctx: ApiContext,
  tableId: string,
  recordId: string,
): Promise<MirrorRecord | undefined> {
  if (ctx.options.strongRead === undefined) {
    throw new ApiError({
      type: 'INVALID_REQUEST_UNKNOWN',
      message: 'Invalid request: parameter validation failed. consistency=strong is not available',
    })
  }
  try {
    const raw = await ctx.options.strongRead({ kind: 'get', tableId, recordId })
    return { ...airtableRecordSchema.parse(raw), lastSeq: 0 }
  } catch (error) {
    // Airtable's own 404 for a missing record becomes ours (same body).
    if (error instanceof Error && (error as Error & { status?: unknown }).status === 404) {
      return undefined
    }
    throw error
  }
}
