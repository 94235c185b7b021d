/**
 * `GET /v0/meta/bases/{baseId}/tables` (airtable-api.md §6) from the stored schema, as the
 * caller may see it: tables they cannot read are absent, hidden fields are absent. Views carry
 * `visibleFieldIds` only with `include[]=visibleFieldIds`, as the emulator answers.
 */
import { Hono } from 'hono'
import { visibleTable } from '../../policy/index.ts'
import type { Table } from '../../protocol/index.ts'
import type { ApiContext, ApiEnv } from '../context.ts'
import { modelNotFound } from '../errors.ts'

/** Metadata routes, mounted under `/v0/meta`. */
export function metaRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/bases/:baseId/tables', (c) => {
    if (c.req.param('baseId') !== ctx.options.baseId) throw modelNotFound()
    const query = new URL(c.req.url).searchParams
    const withVisible = query
      .getAll('include[]')
      .concat(query.getAll('include'))
      .includes('visibleFieldIds')
    const { schema, engine } = ctx.current()
    const principal = c.get('principal')
    const tables: Table[] = []
    for (const table of schema.tables) {
      const access = engine.policyFor(principal, table.id)
      if (!access.canRead) continue
      const visible = visibleTable(access)
      tables.push({
        ...visible,
        views: visible.views.map((view) =>
          withVisible && view.type === 'grid'
            ? { ...view, visibleFieldIds: view.visibleFieldIds ?? visible.fields.map((f) => f.id) }
            : { id: view.id, name: view.name, type: view.type },
        ),
      })
    }
    return c.json({ tables })
  })
  return app
}
