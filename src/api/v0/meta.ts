/**
 * `GET /v0/meta/bases`: the one mirrored base, when the caller may read any of it.
 * `GET /v0/meta/bases/{baseId}/tables` (airtable-api.md §6) from the stored schema, as the
 * caller may see it: tables they cannot read are absent, hidden fields are absent. Views carry
 * `visibleFieldIds` only with `include[]=visibleFieldIds`, as the emulator answers.
 */
import { Hono } from 'hono'
import { visibleTable, type Principal } from '../../policy/index.ts'
import type { Table } from '../../protocol/index.ts'
import type { ApiContext, ApiEnv } from '../context.ts'
import { modelNotFound } from '../errors.ts'

/**
 * The caller's `permissionLevel` on the base: `create` for the service key (it holds the base's
 * token), `edit` for a user who may write some table, `comment` for one who may only read (readers
 * may comment on what they read), `none` (the base is not listed) for one who may read nothing.
 */
export function permissionLevel(
  ctx: ApiContext,
  principal: Principal,
): 'none' | 'comment' | 'edit' | 'create' {
  if (principal.kind === 'service') return 'create'
  const { schema, engine } = ctx.current()
  const access = schema.tables.map((table) => engine.policyFor(principal, table.id))
  if (access.some((a) => a.canRead && (a.canCreate || a.canUpdate || a.canDelete))) return 'edit'
  return access.some((a) => a.canRead) ? 'comment' : 'none'
}

/** Metadata routes, mounted under `/v0/meta`. */
export function metaRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.get('/bases', async (c) => {
    const principal = c.get('principal')
    const level = permissionLevel(ctx, principal)
    if (level === 'none') return c.json({ bases: [] })
    // The name is cosmetic: an Airtable outage must not fail the listing, so the ID stands in.
    const name = await (
      ctx.options.upstream?.baseName() ?? Promise.resolve(ctx.options.baseId)
    ).catch((error: unknown) => {
      ctx.options.logger.warn({ err: error }, 'base name unavailable; listing the base by its ID')
      return ctx.options.baseId
    })
    return c.json({ bases: [{ id: ctx.options.baseId, name, permissionLevel: level }] })
  })
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
