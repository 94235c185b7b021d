/**
 * `GET /v1/audit`: the audit log, newest first — every accepted write, every outbox
 * action and every ingested change, with who, source, table, record, before, after, outcome,
 * attempts and Airtable's latency. Admins and the service key only.
 *
 * Filters: `table` (name or ID), `record`, `mutation`, `actor` (a user's `sub`, `service`,
 * `airtable`, which also matches `airtable:<user ID>` and `airtable:<source>`), `source` (`api`,
 * `outbox`, `webhook`, `poll`, `resync`, `full-sync`), `from` (ISO, inclusive), `to` (ISO,
 * exclusive), `limit` (≤ 1000, default 100).
 *
 * Changes ingested from Airtable carry `at` as Airtable reports it, `before`/`after` with only
 * the fields that changed, and `detail.airtable` (`source`, `user`, `timestamp`,
 * `baseTransactionNumber`) and `detail.seq` (the change feed entry).
 * Paging: an answer that filled `limit` carries `cursor`; pass it back to get older entries
 * (entry IDs only grow, so pages never repeat or skip an entry).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { queryAudit } from '../../store/index.ts'
import { requireAdmin } from '../auth-middleware.ts'
import type { ApiContext, ApiEnv } from '../context.ts'
import { parseQuery, tableIdOf } from './conflicts.ts'

const isoTime = z.iso.datetime({ offset: true })

const auditQuerySchema = z.object({
  table: z.string().min(1).optional(),
  record: z.string().min(1).optional(),
  mutation: z.string().min(1).optional(),
  actor: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.coerce.number().int().positive().optional(),
})

/** The audit route, mounted under `/v1`. */
export function auditRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  app.use('/audit', requireAdmin())
  app.get('/audit', async (c) => {
    const query = parseQuery(auditQuerySchema, c.req.query())
    const tableId =
      query.table === undefined ? undefined : tableIdOf(ctx.current().schema, query.table)
    const entries = await queryAudit(ctx.options.db, {
      baseId: ctx.options.baseId,
      limit: query.limit,
      ...(tableId !== undefined && { tableId }),
      ...(query.record !== undefined && { recordId: query.record }),
      ...(query.mutation !== undefined && { mutationId: query.mutation }),
      ...(query.actor !== undefined && { actor: query.actor }),
      ...(query.source !== undefined && { source: query.source }),
      ...(query.from !== undefined && { since: query.from }),
      ...(query.to !== undefined && { until: query.to }),
      ...(query.cursor !== undefined && { beforeId: query.cursor }),
    })
    const last = entries.at(-1)
    return c.json({
      entries,
      ...(entries.length === query.limit && last !== undefined && { cursor: String(last.id) }),
    })
  })
  return app
}
