/**
 * Control endpoints under `/__emulator/` (token required, never rate-limited or faulted): fault
 * settings, request stats, edits "as the operations team makes them in Airtable's UI" (source
 * `client`, a collaborator user), base reset, iterator expiry and limiter reset.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { EmulatorEnv } from '../env.ts'
import type { FaultController } from '../fault-controller.ts'
import { faultSettingsSchema } from '../faults.ts'
import type { RateLimiter } from '../limits.ts'
import type { RequestStats } from '../stats.ts'
import { EmulatorError, type Collaborator } from '../state/index.ts'
import { readJson, type RouteContext } from './context.ts'

/** The collaborator UI edits are attributed to unless the request names one. */
export const DEFAULT_UI_USER: Collaborator = {
  id: 'usrOpsTeamMember1',
  email: 'ops@presence.test',
  name: 'Operations Team',
}

export interface ControlContext extends RouteContext {
  faults: FaultController
  stats: RequestStats
  /** The per-base and per-token limiters; absent when rate limiting is off. */
  limiters: { perBase?: RateLimiter | undefined; perToken?: RateLimiter | undefined }
  /** Puts a base back to how it was when the emulator started. */
  resetBase(baseId: string): void
}

const invalid = (message: string): EmulatorError =>
  new EmulatorError({ type: 'INVALID_REQUEST_UNKNOWN', message: `Invalid request: ${message}` })

const recordSchema = z.object({
  id: z.string().optional(),
  fields: z.record(z.string(), z.unknown()),
})
const userSchema = z.object({ id: z.string(), email: z.string(), name: z.string() })
const uiEditSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.enum(['create', 'update', 'replace']),
    records: z.array(recordSchema).min(1),
    typecast: z.boolean().optional(),
    user: userSchema.optional(),
  }),
  z.object({
    action: z.literal('delete'),
    records: z.array(z.string()).min(1),
    user: userSchema.optional(),
  }),
])
/** Body of `POST /__emulator/bases/:baseId/tables/:table/records`. */
export type UiEdit = z.infer<typeof uiEditSchema>

/** Routes under `/__emulator`. */
export function controlRoutes(ctx: ControlContext): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()

  app.get('/faults', (c) => c.json(ctx.faults.settings))
  app.put('/faults', async (c) => {
    const parsed = faultSettingsSchema.safeParse(await readJson(c))
    if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? 'bad fault settings')
    return c.json(ctx.faults.set(parsed.data))
  })
  app.patch('/faults', async (c) => {
    const body = await readJson(c)
    const merged = { ...ctx.faults.settings, ...(typeof body === 'object' ? body : {}) }
    const parsed = faultSettingsSchema.safeParse(merged)
    if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? 'bad fault settings')
    return c.json(ctx.faults.set(parsed.data))
  })

  app.get('/stats', (c) => c.json(ctx.stats.snapshot()))
  app.post('/stats/reset', (c) => {
    ctx.stats.reset(ctx.clock.now())
    return c.json(ctx.stats.snapshot())
  })

  app.post('/iterators/expire', (c) => c.json({ expired: ctx.iterators.expireAll() }))
  // Per base, the shortest time in which limit + 1 requests were served (≥ the window).
  app.get('/rate-limits', (c) =>
    c.json({ tightestSpacingMs: ctx.limiters.perBase?.tightestSpacingMs() ?? {} }),
  )
  app.post('/rate-limits/reset', (c) => {
    ctx.limiters.perBase?.reset()
    ctx.limiters.perToken?.reset()
    return c.json({ reset: true })
  })

  app.post('/bases/:baseId/reset', (c) => {
    ctx.bases.require(c.req.param('baseId'))
    ctx.resetBase(c.req.param('baseId'))
    return c.json({ reset: true })
  })

  app.post('/bases/:baseId/tables/:table/records', async (c) => {
    const base = ctx.bases.require(c.req.param('baseId'))
    const tableId = base.table(c.req.param('table')).id
    const parsed = uiEditSchema.safeParse(await readJson(c))
    if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? 'bad edit')
    const edit = parsed.data
    const who = { source: 'client' as const, user: edit.user ?? DEFAULT_UI_USER }
    if (edit.action === 'delete') {
      const ids = base.delete(tableId, edit.records, who)
      return c.json({ records: ids.map((id) => ({ id, deleted: true })) })
    }
    const inputs = edit.records.map((r) =>
      r.id === undefined ? { fields: r.fields } : { id: r.id, fields: r.fields },
    )
    const options = { ...who, typecast: edit.typecast ?? false }
    const stored =
      edit.action === 'create'
        ? base.create(tableId, inputs, options)
        : base.update(tableId, inputs, { ...options, destructive: edit.action === 'replace' })
    return c.json({ records: stored.map(base.renderer(tableId)) })
  })

  return app
}
