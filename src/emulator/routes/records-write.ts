/**
 * Writing records through the public API (airtable-api.md §2.6–2.9): create, PATCH/PUT single and
 * batch, upsert, delete. Every write is one atomic transaction with source `publicApi` and the
 * token's user; responses carry full records (computed fields included).
 */
import { Hono, type Context } from 'hono'
import {
  readBatchUpdateBody,
  readCreateBody,
  readDeleteIds,
  readSingleUpdateBody,
  type WriteBodyOptions,
  type WriteBodyRules,
} from '../../protocol/write-body.ts'
import type { EmulatorEnv } from '../env.ts'
import type { EmulatedBase, StoredRecord, WriteOptions } from '../state/index.ts'
import { readJson, RESERVED_BASE_SEGMENTS, type RouteContext } from './context.ts'

/** Airtable's cap on records per write. */
const MAX_RECORDS_PER_WRITE = 10

/**
 * Bodies are read by the shared wire parser (protocol/write-body.ts) as Airtable does: at most
 * 10 records, and airsync's `baseFields` ignored like any unknown key. Its WriteBodyErrors leave
 * through http-errors.ts with their type and message.
 */
const AIRTABLE_RULES: WriteBodyRules = { maxRecords: MAX_RECORDS_PER_WRITE }

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
    const body = readCreateBody(await readJson(c), AIRTABLE_RULES)
    const created = target.base.create(target.tableId, body.records, writeOptions(c, body))
    const records = renderAll(target, created, body)
    return c.json(body.kind === 'single' ? records[0] : { records })
  })

  const batchUpdate = (destructive: boolean) => async (c: Context<EmulatorEnv>) => {
    const target = targetOf(ctx, c)
    if (target === undefined) return c.notFound()
    const body = readBatchUpdateBody(await readJson(c), AIRTABLE_RULES)
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
    const recordId = c.req.param('recordId') ?? ''
    const body = readSingleUpdateBody(await readJson(c), recordId, AIRTABLE_RULES)
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
    const ids = readDeleteIds(new URL(c.req.url).searchParams, AIRTABLE_RULES)
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
