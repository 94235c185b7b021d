/**
 * List records (airtable-api.md §2.2–2.4), `GET /v0/{baseId}/{table}` and
 * `POST …/listRecords`, served from the mirror: the caller's parameters checked against what
 * they may see, the policy's row filter ANDed in, records projected to readable fields, pages
 * walked with stateless offsets (offsets.ts). A page comes from the SQL path (select-page.ts:
 * filter, sort and limit in the database, keyset offsets) when the filter and sort compile, else
 * from the JS path (select.ts: every matching record loaded, sorted and sliced here).
 * `consistency=strong` asks Airtable itself (via the server's port) and applies the same row
 * filter and projection to its page; Airtable's offset goes out sealed, since it names the next
 * record, which the caller may not see.
 */
import { Hono, type Context } from 'hono'
import { parseListParams, queryToRaw, type ListParams } from '../../protocol/index.ts'
import {
  listRecordsResponseSchema,
  type AirtableRecord,
  type Field,
  type ListRecordsResponse,
} from '../../protocol/index.ts'
import {
  hasTextCollation,
  loadViewOrder,
  TEXT_COLLATION,
  type Db,
  type MirrorRecord,
} from '../../store/index.ts'
import { limitKey } from '../auth-middleware.ts'
import { readTarget, type ApiContext, type ApiEnv, type ReadTarget } from '../context.ts'
import { ApiError, invalidJsonBody } from '../errors.ts'
import { LinkedCells, loadLinkedCells } from '../links.ts'
import { prepareRenderer, renderedFields } from '../render.ts'
import type { KeysetPosition, OffsetPosition } from '../offsets.ts'
import { selectSqlPage } from '../select-page.ts'
import { admits, linkFieldsOf, selectRecords, type Selection } from '../select.ts'
import {
  checkUserFormula,
  combinedFilter,
  consistencyOf,
  resolveSort,
  resolveView,
  type Consistency,
} from './read-request.ts'

/** Routes for listing records, mounted under `/v0`. */
export function listRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/:baseId/:table', async (c) => {
    const query = new URL(c.req.url).searchParams
    const params = parseListParams(queryToRaw(query), query, listOptions(ctx))
    return c.json(
      await listPage(ctx, c, { params, consistency: consistencyOf(query.get('consistency')) }),
    )
  })
  app.post('/:baseId/:table/listRecords', async (c) => {
    const query = new URL(c.req.url).searchParams
    const body = await readJson(c)
    const params = parseListParams(body, query, listOptions(ctx))
    const fromBody =
      typeof body === 'object' && body !== null
        ? (body as Record<string, unknown>)['consistency']
        : undefined
    return c.json(
      await listPage(ctx, c, {
        params,
        consistency: consistencyOf(query.get('consistency') ?? fromBody),
      }),
    )
  })
  return app
}

function listOptions(ctx: ApiContext): { requireLocaleForStringFormat: boolean } {
  return { requireLocaleForStringFormat: ctx.options.requireLocaleForStringFormat }
}

/** The request body as JSON (empty = `{}`); 400 in Airtable's envelope when unparseable. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    const body = invalidJsonBody()
    const error = typeof body.error === 'string' ? undefined : body.error
    throw new ApiError({
      type: 'INVALID_REQUEST_BODY',
      ...(error?.message !== undefined && { message: error.message }),
      cause,
    })
  }
}

async function listPage(
  ctx: ApiContext,
  c: Context<ApiEnv>,
  request: { params: ListParams; consistency: Consistency },
): Promise<ListRecordsResponse> {
  const { params } = request
  const principal = c.get('principal')
  const target = readTarget(ctx, {
    principal,
    baseId: c.req.param('baseId') ?? '',
    table: c.req.param('table') ?? '',
  })
  // Checked in the emulator's order: fields[], view, formula, sort.
  const fields = renderedFields(target.visible, params.fields)
  const view = resolveView(target.table, params.view)
  const userFormula = checkUserFormula(target.visible, params.filterByFormula)
  const sort = resolveSort(target.visible, params.sort)
  const filter = combinedFilter(target, userFormula)
  const query = [
    target.table.id,
    view?.id,
    params.filterByFormula,
    params.sort,
    params.maxRecords,
    limitKey(principal),
  ]
  if (request.consistency === 'strong') {
    const fingerprint = ctx.offsets.fingerprint([...query, 'strong'])
    return strongPage(ctx, { target, params, fields, filter, fingerprint })
  }

  if (view !== undefined) await requireViewOrder(ctx, target, view.id)
  const selection: Selection = {
    baseId: ctx.options.baseId,
    schema: target.schema,
    table: target.table,
    filter,
    sort,
    ...(view !== undefined && { viewId: view.id }),
    nowMs: ctx.options.clock.now(),
    useSql: ctx.options.filterStrategy !== 'js',
  }
  const fingerprint = ctx.offsets.fingerprint(query)
  const at =
    params.offset === undefined ? undefined : ctx.offsets.decode(fingerprint, params.offset)
  const page = { target, params, fields, linked: new LinkedCells(target.schema) }
  if (at === undefined || 'keys' in at) {
    const sqlPage = await selectSqlPage(ctx.options.db, {
      selection,
      page: {
        pageSize: params.pageSize,
        maxRecords: params.maxRecords,
        after: at,
        textCollation: await textCollationOf(ctx.options.db),
      },
    })
    if (sqlPage !== undefined) {
      const records = await render(ctx, { ...page, page: sqlPage.records })
      if (sqlPage.next === undefined) return { records }
      return { records, offset: ctx.offsets.encodeKeyset(fingerprint, sqlPage.next) }
    }
  }
  // The JS path: every matching record, sorted here, then the page sliced out.
  const { records: all, linked } = await selectRecords(ctx.options.db, selection)
  const selected = params.maxRecords === undefined ? all : all.slice(0, params.maxRecords)
  const start = startOf({ at, selected })
  const end = Math.min(selected.length, start + params.pageSize)
  const records = await render(ctx, { ...page, linked, page: selected.slice(start, end) })
  const next = selected[end]
  if (next === undefined) return { records }
  return {
    records,
    offset: ctx.offsets.encode(fingerprint, { position: end, nextRecordId: next.id }),
  }
}

/** The database's text collation (looked up once per database), or undefined without ICU. */
const collations = new WeakMap<Db, Promise<string | undefined>>()
function textCollationOf(db: Db): Promise<string | undefined> {
  let found = collations.get(db)
  if (found === undefined) {
    found = hasTextCollation(db).then((has) => (has ? TEXT_COLLATION : undefined))
    collations.set(db, found)
  }
  return found
}

/**
 * Where a JS-path page starts: at the offset's next record if still selected, else its
 * position (a keyset offset from the SQL path carries only its position here).
 */
function startOf(request: {
  at: OffsetPosition | KeysetPosition | undefined
  selected: readonly MirrorRecord[]
}): number {
  const { at, selected } = request
  if (at === undefined) return 0
  const index = 'keys' in at ? -1 : selected.findIndex((r) => r.id === at.nextRecordId)
  return index >= 0 ? index : Math.min(at.position, selected.length)
}

/**
 * A view whose order was never fetched cannot be served correctly from the mirror: 503 (the
 * ingest refreshes view orders after the first sync).
 */
async function requireViewOrder(
  ctx: ApiContext,
  target: ReadTarget,
  viewId: string,
): Promise<void> {
  const order = await loadViewOrder(ctx.options.db, {
    baseId: ctx.options.baseId,
    tableId: target.table.id,
    viewId,
  })
  if (order === undefined) {
    throw new ApiError({
      type: 'SERVICE_UNAVAILABLE',
      message: `The order of view ${viewId} is not in the mirror yet`,
    })
  }
}

/** Renders a page: link cells loaded for string format, fields projected to the readable ones. */
export async function render(
  ctx: ApiContext,
  request: {
    target: ReadTarget
    params: Pick<
      ListParams,
      'cellFormat' | 'timeZone' | 'userLocale' | 'returnFieldsByFieldId' | 'recordMetadata'
    >
    fields: readonly Field[]
    page: readonly MirrorRecord[]
    linked: LinkedCells
  },
): Promise<AirtableRecord[]> {
  const { params, linked } = request
  if (params.cellFormat === 'string') {
    await loadLinkedCells(ctx.options.db, {
      baseId: ctx.options.baseId,
      fields: request.fields,
      records: request.page,
      linked,
    })
  }
  const renderer = prepareRenderer(request.fields, params, {
    linked,
    commentCount: ctx.options.commentCount,
  })
  return request.page.map(renderer)
}

/** A strong read's page: Airtable's records (by field ID), row-filtered and rendered here. */
async function strongPage(
  ctx: ApiContext,
  request: {
    target: ReadTarget
    params: ListParams
    fields: readonly Field[]
    filter: ReturnType<typeof combinedFilter>
    /** The selection's fingerprint: Airtable's offset is sealed under it (offsets.ts). */
    fingerprint: string
  },
): Promise<ListRecordsResponse> {
  const { target, params, fingerprint } = request
  const strongRead = ctx.options.strongRead
  if (strongRead === undefined) {
    throw new ApiError({
      type: 'INVALID_REQUEST_UNKNOWN',
      message: 'Invalid request: parameter validation failed. consistency=strong is not available',
    })
  }
  // Airtable is asked for every field by ID: the row filter may read fields the caller cannot.
  const upstream: ListParams = { ...params }
  delete upstream.fields
  if (params.offset !== undefined) {
    upstream.offset = ctx.offsets.decodeUpstream(fingerprint, params.offset)
  }
  const raw = await strongRead({
    kind: 'list',
    tableId: target.table.id,
    params: { ...upstream, cellFormat: 'json', returnFieldsByFieldId: true, recordMetadata: [] },
  })
  const parsed = listRecordsResponseSchema.parse(raw)
  const rows: MirrorRecord[] = parsed.records.map((r) => ({ ...r, lastSeq: 0 }))
  const linked = await strongLinked(ctx, { target, filter: target.access.rowFilter, rows })
  const nowMs = ctx.options.clock.now()
  const admitted = rows.filter((record) =>
    admits(target.access.rowFilter, { table: target.table, record, linked, nowMs }),
  )
  const records = await render(ctx, { ...request, page: admitted, linked })
  if (parsed.offset === undefined) return { records }
  return { records, offset: ctx.offsets.encodeUpstream(fingerprint, parsed.offset) }
}

/** Linked cells (from the mirror) for evaluating the row filter over rows from Airtable. */
export async function strongLinked(
  ctx: ApiContext,
  request: {
    target: ReadTarget
    filter: ReadTarget['access']['rowFilter']
    rows: readonly MirrorRecord[]
  },
): Promise<LinkedCells> {
  const linked = new LinkedCells(request.target.schema)
  await loadLinkedCells(ctx.options.db, {
    baseId: ctx.options.baseId,
    fields: linkFieldsOf(request.target.table, request.filter),
    records: request.rows,
    linked,
  })
  return linked
}
