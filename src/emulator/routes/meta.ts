/**
 * The metadata API (airtable-api.md §6): whoami, list bases, base schema, create/update table,
 * create/update field. Creating formula (and other computed) fields is allowed: an emulator
 * extension so tests can build any table shape (Airtable documents them as read-only [?]).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { Field, Table } from '../../protocol/schema.ts'
import type { EmulatorEnv } from '../env.ts'
import { EmulatorError, type SchemaWriteOptions } from '../state/index.ts'
import { readJson, type RouteContext } from './context.ts'

const invalid = (issue: z.core.$ZodIssue | undefined): EmulatorError =>
  new EmulatorError({
    type: 'INVALID_REQUEST_UNKNOWN',
    message:
      `Invalid request: parameter validation failed. ${issue === undefined ? '' : `${issue.path.join('.')}: ${issue.message}`}`.trim(),
  })

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body)
  if (!result.success) throw invalid(result.error.issues[0])
  return result.data
}

const description = z.string().max(20_000)
const fieldInputSchema = z.object({
  name: z.string().min(1),
  type: z.string().min(1),
  description: description.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
})
const tableInputSchema = z.object({
  name: z.string().min(1),
  description: description.optional(),
  fields: z.array(fieldInputSchema).min(1),
})
const tableUpdateSchema = z.object({
  name: z.string().min(1).optional(),
  description: description.optional(),
})
const fieldUpdateSchema = z.object({
  name: z.string().min(1).optional(),
  description: description.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
})

/** Drops keys whose value is undefined (exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>
  }
}

/** A field as the metadata API shows it: without the rollup formula unless asked. */
function wireField(field: Field, withAggregation: boolean): Field {
  if (withAggregation || field.options?.aggregation === undefined) return field
  const options = { ...field.options }
  delete options.aggregation
  return { ...field, options }
}

/** Routes of the metadata API, mounted under `/v0/meta`. */
export function metaRoutes(ctx: RouteContext): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()
  const field = (f: Field): Field => wireField(f, ctx.rollupAggregationInSchema)
  const table = (t: Table): Table => ({ ...t, fields: t.fields.map(field) })
  const by = (c: { get(key: 'user'): SchemaWriteOptions['user'] }): SchemaWriteOptions => {
    const user = c.get('user')
    return user === undefined ? { source: 'publicApi' } : { source: 'publicApi', user }
  }

  app.get('/whoami', (c) => {
    const user = c.get('user')
    return c.json({ id: user.id, email: user.email })
  })

  app.get('/bases', (c) =>
    c.json({
      bases: ctx.bases.list().map((b) => ({ id: b.id, name: b.name, permissionLevel: 'create' })),
    }),
  )

  app.get('/bases/:baseId/tables', (c) => {
    const base = ctx.bases.require(c.req.param('baseId'))
    const query = new URL(c.req.url).searchParams
    const withVisible = query
      .getAll('include[]')
      .concat(query.getAll('include'))
      .includes('visibleFieldIds')
    const tables = base.schema().tables.map((t) => ({
      ...table(t),
      views: t.views.map((view) =>
        withVisible && view.type === 'grid'
          ? { ...view, visibleFieldIds: t.fields.map((f) => f.id) }
          : { id: view.id, name: view.name, type: view.type },
      ),
    }))
    return c.json({ tables })
  })

  app.post('/bases/:baseId/tables', async (c) => {
    const base = ctx.bases.require(c.req.param('baseId'))
    const input = parse(tableInputSchema, await readJson(c))
    const created = base.createTable(
      {
        ...defined({ name: input.name, description: input.description }),
        fields: input.fields.map(defined),
      },
      by(c),
    )
    return c.json(table(created))
  })

  app.patch('/bases/:baseId/tables/:table', async (c) => {
    const base = ctx.bases.require(c.req.param('baseId'))
    const update = defined(parse(tableUpdateSchema, await readJson(c)))
    return c.json(table(base.updateTable(c.req.param('table'), update, by(c))))
  })

  app.post('/bases/:baseId/tables/:table/fields', async (c) => {
    const base = ctx.bases.require(c.req.param('baseId'))
    const input = defined(parse(fieldInputSchema, await readJson(c)))
    return c.json(field(base.createField(c.req.param('table'), input, by(c))))
  })

  app.patch('/bases/:baseId/tables/:table/fields/:field', async (c) => {
    const base = ctx.bases.require(c.req.param('baseId'))
    const update = defined(parse(fieldUpdateSchema, await readJson(c)))
    return c.json(
      field(
        base.updateField(c.req.param('table'), { ...update, field: c.req.param('field') }, by(c)),
      ),
    )
  })

  return app
}
