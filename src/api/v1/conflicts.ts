/**
 * Conflicts (issue 4): `GET /v1/conflicts` lists a base's conflicts, newest first (filters
 * `status=open|resolved`, `table` by name or ID, `record`, `limit` ≤ 1000), and
 * `POST /v1/conflicts/{id}/resolve` settles a held (`manual`) one with
 * `{ choose: 'local' | 'remote' | 'drop' }` or `{ choose: 'values', values: {field: value} }`
 * (src/outbox resolve-held.ts). Admins and the service key only: a conflict shows other people's
 * values.
 *
 * Each conflict is sent field by field — `{id, name, base, local, remote}` — so a person can
 * read it without the schema; values stay as the mirror keeps them (Airtable's JSON).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { resolveHeldConflict, type HeldConflictResolution } from '../../outbox/index.ts'
import { findField, findTable, type BaseSchema, type Fields } from '../../protocol/index.ts'
import { getConflict, listConflicts, type StoredConflict } from '../../store/index.ts'
import { requireAdmin } from '../auth-middleware.ts'
import type { ApiContext, ApiEnv } from '../context.ts'
import { ApiError, invalidRequest } from '../errors.ts'
import { readJson } from '../v0/list.ts'

const listQuerySchema = z.object({
  status: z.enum(['open', 'resolved']).optional(),
  table: z.string().min(1).optional(),
  record: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

const resolveBodySchema = z.discriminatedUnion('choose', [
  z.object({ choose: z.enum(['local', 'remote', 'drop']) }),
  z.object({ choose: z.literal('values'), values: z.record(z.string(), z.unknown()) }),
])

/** One field of a conflict on the wire. */
export interface ConflictFieldBody {
  id: string
  /** The field's name today; its ID when the field is gone. */
  name: string
  base: unknown
  local: unknown
  remote: unknown
}

/** A conflict on the wire. */
export interface ConflictBody {
  id: string
  tableId: string
  tableName: string | undefined
  recordId: string
  mutationId: string | undefined
  policy: string
  status: 'open' | 'resolved'
  fields: ConflictFieldBody[]
  resolution: string | undefined
  resolvedValues: Fields | undefined
  resolvedBy: string | undefined
  createdAt: string
  resolvedAt: string | undefined
}

/** The conflict routes, mounted under `/v1`. */
export function conflictRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.use('/conflicts', requireAdmin())
  app.use('/conflicts/*', requireAdmin())
  app.get('/conflicts', async (c) => {
    const query = parseQuery(listQuerySchema, c.req.query())
    const schema = ctx.current().schema
    const tableId = query.table === undefined ? undefined : tableIdOf(schema, query.table)
    const conflicts = await listConflicts(ctx.options.db, {
      baseId: ctx.options.baseId,
      limit: query.limit,
      ...(query.status !== undefined && { status: query.status }),
      ...(tableId !== undefined && { tableId }),
      ...(query.record !== undefined && { recordId: query.record }),
    })
    return c.json({ conflicts: conflicts.map((conflict) => conflictBody(schema, conflict)) })
  })
  app.get('/conflicts/:id', async (c) => {
    const conflict = await findConflict(ctx, c.req.param('id'))
    return c.json(conflictBody(ctx.current().schema, conflict))
  })
  app.post('/conflicts/:id/resolve', async (c) => {
    const id = c.req.param('id')
    const conflict = await findConflict(ctx, id)
    const parsed = resolveBodySchema.safeParse(await readJson(c))
    if (!parsed.success) {
      throw invalidRequest(
        'the body must be {"choose": "local" | "remote" | "drop"} or {"choose": "values", "values": {...}}',
      )
    }
    const principal = c.get('principal')
    const by = principal.kind === 'service' ? 'service' : principal.sub
    const body = parsed.data
    const resolution: HeldConflictResolution =
      body.choose === 'values'
        ? { choose: 'values', by, values: valuesById(ctx.current().schema, conflict, body.values) }
        : { choose: body.choose, by }
    const outcome = await resolveHeldConflict(ctx.options.db, id, resolution)
    if (outcome === 'not-open') throw invalidRequest(`conflict ${id} is not open`)
    const after = await getConflict(ctx.options.db, id)
    return c.json({
      outcome,
      conflict: conflictBody(ctx.current().schema, after ?? conflict),
    })
  })
  return app
}

async function findConflict(ctx: ApiContext, id: string): Promise<StoredConflict> {
  const conflict = await getConflict(ctx.options.db, id)
  if (conflict?.baseId !== ctx.options.baseId) {
    throw new ApiError({ type: 'NOT_FOUND', message: 'Conflict not found' })
  }
  return conflict
}

/** Validates a query string; a bad parameter is 422 INVALID_REQUEST_UNKNOWN naming it. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  throw invalidRequest(`${String(issue?.path[0] ?? 'query')}: ${issue?.message ?? 'invalid'}`)
}

/** A table's ID from its name or ID; an unknown table is 403 as everywhere in the API. */
export function tableIdOf(schema: BaseSchema, table: string): string {
  const found = findTable(schema, table)
  if (found === undefined) {
    throw new ApiError({
      type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
      message: 'Invalid permissions, or the requested model was not found.',
    })
  }
  return found.id
}

function conflictBody(schema: BaseSchema, conflict: StoredConflict): ConflictBody {
  const table = schema.tables.find((t) => t.id === conflict.tableId)
  return {
    id: conflict.id,
    tableId: conflict.tableId,
    tableName: table?.name,
    recordId: conflict.recordId,
    mutationId: conflict.mutationId,
    policy: conflict.policy,
    status: conflict.status,
    fields: conflict.fieldIds.map((fieldId) => ({
      id: fieldId,
      name: (table === undefined ? undefined : findField(table, fieldId)?.name) ?? fieldId,
      base: conflict.baseValues[fieldId] ?? null,
      local: conflict.localValues[fieldId] ?? null,
      remote: conflict.remoteValues[fieldId] ?? null,
    })),
    resolution: conflict.resolution,
    resolvedValues: conflict.resolvedValues,
    resolvedBy: conflict.resolvedBy,
    createdAt: conflict.createdAt,
    resolvedAt: conflict.resolvedAt,
  }
}

/** Chosen values keyed by field name or ID → by ID; only the conflict's fields may be chosen. */
function valuesById(schema: BaseSchema, conflict: StoredConflict, values: Fields): Fields {
  const table = schema.tables.find((t) => t.id === conflict.tableId)
  const byId: Fields = {}
  for (const [key, value] of Object.entries(values)) {
    const fieldId = (table === undefined ? undefined : findField(table, key)?.id) ?? key
    if (!conflict.fieldIds.includes(fieldId)) {
      throw invalidRequest(`field "${key}" is not one of the conflict's fields`)
    }
    byId[fieldId] = value
  }
  return byId
}
