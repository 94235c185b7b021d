/**
 * Reading records (airtable-api.md §2.2–2.5): list by GET and by POST `listRecords`, get one.
 * A list walks a server-side iterator: the first page fixes the selection, `offset` continues it,
 * and the key is omitted on the last page.
 */
import { Hono, type Context } from 'hono'
import type { AirtableRecord } from '../../protocol/records.ts'
import type { EmulatorEnv } from '../env.ts'
import { parseListParams, parseRenderQuery, queryToRaw, type ListParams } from '../list-params.ts'
import type { EmulatedBase, RenderOptions, StoredRecord } from '../state/index.ts'
import { EmulatorError } from '../state/index.ts'
import { readJson, RESERVED_BASE_SEGMENTS, type RouteContext } from './context.ts'

/** The part of the parameters that decides the selection; offsets only work with the same. */
function selectionKey(tableId: string, p: ListParams): string {
  return JSON.stringify([tableId, p.view, p.filterByFormula, p.sort, p.maxRecords])
}

function renderOptions(p: ListParams): RenderOptions {
  return {
    returnFieldsByFieldId: p.returnFieldsByFieldId,
    cellFormat: p.cellFormat,
    ...(p.fields !== undefined && { fields: p.fields }),
    ...(p.timeZone !== undefined && { timeZone: p.timeZone }),
    ...(p.userLocale !== undefined && { userLocale: p.userLocale }),
  }
}

/** One page of a list, as the wire wants it. */
export function listPage(
  ctx: RouteContext,
  request: { base: EmulatedBase; table: string; params: ListParams },
): { records: AirtableRecord[]; offset?: string } {
  const { base, params } = request
  const tableId = base.table(request.table).id
  const key = selectionKey(tableId, params)
  // Prepared before selecting, so a bad `fields[]` fails even when the page is empty.
  const render = base.renderer(tableId, renderOptions(params))
  let cursor
  let firstPage: StoredRecord[] | undefined
  if (params.offset === undefined) {
    const selected = base.list(tableId, {
      ...(params.view !== undefined && { view: params.view }),
      ...(params.filterByFormula !== undefined && { filterByFormula: params.filterByFormula }),
      ...(params.sort !== undefined && { sort: params.sort }),
    })
    const limited: StoredRecord[] =
      params.maxRecords === undefined ? selected : selected.slice(0, params.maxRecords)
    firstPage = limited
    cursor = ctx.iterators.start(
      key,
      limited.map((r) => r.id),
    )
  } else {
    cursor = ctx.iterators.resume(key, params.offset)
  }
  const end = Math.min(cursor.recordIds.length, cursor.start + params.pageSize)
  const records: AirtableRecord[] = []
  for (let i = cursor.start; i < end; i++) {
    const stored = firstPage?.[i] ?? findRecord(base, tableId, cursor.recordIds[i] ?? '')
    // Records deleted since the first page are skipped, like a live walk.
    if (stored === undefined) continue
    const record = render(stored)
    const commentCount = params.recordMetadata.includes('commentCount')
      ? ctx.comments.count({ baseId: base.id, tableId, recordId: stored.id })
      : undefined
    records.push(commentCount === undefined ? record : { ...record, commentCount })
  }
  const offset = ctx.iterators.offsetAfter(cursor, end)
  return offset === undefined ? { records } : { records, offset }
}

/** A record, or undefined when it is gone. */
function findRecord(
  base: EmulatedBase,
  tableId: string,
  recordId: string,
): StoredRecord | undefined {
  try {
    return base.get(tableId, recordId)
  } catch (error) {
    if (error instanceof EmulatorError && error.type === 'MODEL_ID_NOT_FOUND') return undefined
    throw error
  }
}

function baseOf(ctx: RouteContext, c: Context<EmulatorEnv>): EmulatedBase | undefined {
  const baseId = c.req.param('baseId') ?? ''
  if (RESERVED_BASE_SEGMENTS.has(baseId)) return undefined
  return ctx.bases.require(baseId)
}

/** Routes for reading records, mounted under `/v0`. */
export function recordReadRoutes(ctx: RouteContext): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()

  app.get('/:baseId/:table', (c) => {
    const base = baseOf(ctx, c)
    if (base === undefined) return c.notFound()
    // The table is resolved before the parameters: an unknown table is 403 whatever the query.
    const table = base.table(c.req.param('table')).id
    const query = new URL(c.req.url).searchParams
    const params = parseListParams(queryToRaw(query), query, ctx.list)
    return c.json(listPage(ctx, { base, table, params }))
  })

  app.post('/:baseId/:table/listRecords', async (c) => {
    const base = baseOf(ctx, c)
    if (base === undefined) return c.notFound()
    const table = base.table(c.req.param('table')).id
    const query = new URL(c.req.url).searchParams
    const params = parseListParams(await readJson(c), query, ctx.list)
    return c.json(listPage(ctx, { base, table, params }))
  })

  app.get('/:baseId/:table/:recordId', (c) => {
    const base = baseOf(ctx, c)
    if (base === undefined) return c.notFound()
    const tableId = base.table(c.req.param('table')).id
    const params = parseRenderQuery(new URL(c.req.url).searchParams, ctx.list)
    const render = base.renderer(tableId, renderOptions(params))
    return c.json(render(base.get(tableId, c.req.param('recordId'))))
  })

  return app
}
