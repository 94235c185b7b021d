/**
 * Writing records through the public API (airtable-api.md §2.6–2.9): create, PATCH/PUT single and
 * batch, upsert, delete. Every write is one atomic transaction with source `publicApi` and the
 * token's user; responses carry full records (computed fields included).
 */
import { Hono, type Context } from 'hono'
import type { EmulatorEnv } from '../env.ts'
import type { EmulatedBase, StoredRecord, WriteOptions } from '../state/index.ts'
import { readJson, RESERVED_BASE_SEGMENTS, type RouteContext } from './context.ts'
import {
  parseBatchUpdateBody,
  parseCreateBody,
  parseDeleteQuery,
  parseSingleUpdateBody,
  type WriteBodyOptions,
} from './record-bodies.ts'

interface Target {
  base: EmulatedBase
  tableId: string
}

function targetOf(ctx: RouteContext, c: Context<EmulatorEnv>): Target | undefined {
  const baseId = c.req.param('baseId') ?? ''
  if (RESERVED_BASE_SEGMENTS.has(baseId)) return undefined
  const base = ctx.bases.require(baseId)
  return { base, tableId: base.table(c.req.param('table') ?? '').id }
}

function writeOptions(c: Context<EmulatorEnv>, body: WriteBodyOptions): WriteOptions {
  return { typecast: body.typecast, source: 'publicApi', user: c.get('user') }
}

function renderAll(target: Target, records: StoredRecord[], body: WriteBodyOptions) {
  const render = target.base.renderer(target.tableId, {
    returnFieldsByFieldId: body.returnFieldsByFieldId,
  })
  return records.map(render)
}

/** Routes for writing records, mounted under `/v0`. */
export function recordWriteRoutes(ctx: RouteContext): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()

  app.post('/:baseId/:table', async (c) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const body = parseCreateBody(await readJson(c))
    const inputs = body.kind === 'single' ? [body.record] : body.records
    const created = target.base.create(target.tableId, inputs, writeOptions(c, body))
    const records = renderAll(target, created, body)
    return c.json(body.kind === 'single' ? records[0] : { records })
  })

  const batchUpdate = (destructive: boolean) => async (c: Context<EmulatorEnv>) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const body = parseBatchUpdateBody(await readJson(c))
    const options = { ...writeOptions(c, body), destructive }
    if (body.fieldsToMergeOn !== undefined) {
      const result = target.base.upsert(target.tableId, body.records, {
        ...options,
        fieldsToMergeOn: body.fieldsToMergeOn,
      })
      return c.json({
        createdRecords: result.createdRecords,
        updatedRecords: result.updatedRecords,
        records: renderAll(target, result.records, body),
      })
    }
    const updated = target.base.update(target.tableId, body.records, options)
    return c.json({ records: renderAll(target, updated, body) })
  }
  app.patch('/:baseId/:table', batchUpdate(false))
  app.put('/:baseId/:table', batchUpdate(true))

  const singleUpdate = (destructive: boolean) => async (c: Context<EmulatorEnv>) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const body = parseSingleUpdateBody(await readJson(c), c.req.param('recordId') ?? '')
    const [updated] = target.base.update(target.tableId, [body.record], {
      ...writeOptions(c, body),
      destructive,
    })
    return c.json(renderAll(target, updated === undefined ? [] : [updated], body)[0])
  }
  app.patch('/:baseId/:table/:recordId', singleUpdate(false))
  app.put('/:baseId/:table/:recordId', singleUpdate(true))

  app.delete('/:baseId/:table', (c) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const ids = parseDeleteQuery(new URL(c.req.url).searchParams)
    const deleted = target.base.delete(target.tableId, ids, {
      source: 'publicApi',
      user: c.get('user'),
    })
    return c.json({ records: deleted.map((id) => ({ id, deleted: true })) })
  })

  app.delete('/:baseId/:table/:recordId', (c) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const [id] = target.base.delete(target.tableId, [c.req.param('recordId')], {
      source: 'publicApi',
      user: c.get('user'),
    })
    return c.json({ id, deleted: true })
  })

  return app
}
