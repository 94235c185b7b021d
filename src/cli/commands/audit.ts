/**
 * `airsync audit`: a running server's audit log, newest first (`GET /v1/audit`), filtered by
 * table, record, actor and time. Exit 0, or 1 when the server refused or is unreachable.
 */
import { z } from 'zod'
import { UsageError, type Command } from '../command.ts'
import {
  SERVER_FLAGS,
  SERVER_FLAGS_USAGE,
  parseFlags,
  reportingFailures,
  serverCall,
} from './server-http.ts'

export const AUDIT_USAGE = `Usage: airsync audit [options]

Prints the audit log of a running airsync server, newest first.

Options:
  --table T     only entries of table T (name or ID)
  --record R    only entries of record R
  --actor A     only entries by A (a user's sub, service; airtable: every change made
                in Airtable, airtable:usr… one collaborator's)
  --source S    only entries from S (api, outbox, webhook, poll, resync, full-sync)
  --since ISO   only entries at or after this time
  --until ISO   only entries before this time
  --limit N     entries printed (default 50, at most 1000)
${SERVER_FLAGS_USAGE}
  --help        this text`

const entrySchema = z.looseObject({
  id: z.number(),
  at: z.string(),
  actor: z.string().optional(),
  source: z.string(),
  action: z.string(),
  tableId: z.string().optional(),
  recordId: z.string().optional(),
  mutationId: z.string().optional(),
  outcome: z.string(),
  attempts: z.number().optional(),
  latencyMs: z.number().optional(),
})
const auditSchema = z.object({ entries: z.array(entrySchema) })
const isoTime = z.iso.datetime({ offset: true })

export const auditCommand: Command = {
  summary: "print a running server's audit log",
  usage: AUDIT_USAGE,
  run(context) {
    const flags = parseFlags(context.argv, {
      ...SERVER_FLAGS,
      table: { type: 'string' },
      record: { type: 'string' },
      actor: { type: 'string' },
      source: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
    })
    const limit = z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .safeParse(flags.limit ?? '50')
    if (!limit.success) throw new UsageError('--limit: a whole number from 1 to 1000')
    for (const [flag, value] of [
      ['since', flags.since],
      ['until', flags.until],
    ] as const) {
      if (value !== undefined && !isoTime.safeParse(value).success) {
        throw new UsageError(`--${flag}: an ISO time such as 2026-11-25T10:00:00Z`)
      }
    }
    const query = new URLSearchParams({ limit: String(limit.data) })
    if (flags.table !== undefined) query.set('table', flags.table)
    if (flags.record !== undefined) query.set('record', flags.record)
    if (flags.actor !== undefined) query.set('actor', flags.actor)
    if (flags.source !== undefined) query.set('source', flags.source)
    if (flags.since !== undefined) query.set('from', flags.since)
    if (flags.until !== undefined) query.set('to', flags.until)
    const { call } = serverCall(context, flags)
    const { io } = context
    return reportingFailures(context, 'audit', async () => {
      const body = await call(`/v1/audit?${query.toString()}`)
      if (flags.json === true) {
        io.out(JSON.stringify(body, null, 2))
        return 0
      }
      for (const e of auditSchema.parse(body).entries) {
        const latency = e.latencyMs === undefined ? '' : ` ${e.latencyMs} ms`
        const attempts = e.attempts === undefined ? '' : ` ×${e.attempts}`
        io.out(
          `${e.at}  ${(e.actor ?? '-').padEnd(12)} ${e.source.padEnd(9)} ${e.action.padEnd(15)} ${e.outcome.padEnd(10)} ${e.tableId ?? '-'} ${e.recordId ?? '-'}${attempts}${latency}`,
        )
      }
      return 0
    })
  },
}
