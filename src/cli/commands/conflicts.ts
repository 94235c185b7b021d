/**
 * `airsync conflicts`: a running server's conflicts (open ones by default, `--all` for every
 * one), and settling a held one: `--resolve ID --choose local|remote|drop`
 * (`GET /v1/conflicts`, `POST /v1/conflicts/{id}/resolve`). Exit 0, or 1 when the server refused
 * or is unreachable.
 */
import { z } from 'zod'
import { UsageError, type Command } from '../command.ts'
import {
  SERVER_FLAGS,
  SERVER_FLAGS_USAGE,
  parseFlags,
  reportingFailures,
  serverCall,
  shortValue,
} from './server-http.ts'

export const CONFLICTS_USAGE = `Usage: airsync conflicts [options]

Lists the conflicts of a running airsync server, or settles a held (manual) one.

Options:
  --all                    every conflict, settled ones too (default: open ones)
  --table T                only conflicts of table T (name or ID)
  --limit N                conflicts listed (default 50)
  --resolve ID             settle conflict ID, with --choose
  --choose local|remote|drop  write the app's values, keep Airtable's, or give up the write
${SERVER_FLAGS_USAGE}
  --help                   this text`

const conflictSchema = z.looseObject({
  id: z.string(),
  tableName: z.string().optional(),
  tableId: z.string(),
  recordId: z.string(),
  policy: z.string(),
  status: z.string(),
  createdAt: z.string(),
  resolution: z.string().optional(),
  fields: z.array(
    z.object({ name: z.string(), base: z.unknown(), local: z.unknown(), remote: z.unknown() }),
  ),
})
const listSchema = z.object({ conflicts: z.array(conflictSchema) })
const chooseSchema = z.enum(['local', 'remote', 'drop'])

export const conflictsCommand: Command = {
  summary: "list a running server's conflicts; settle a held one",
  usage: CONFLICTS_USAGE,
  run(context) {
    const flags = parseFlags(context.argv, {
      ...SERVER_FLAGS,
      all: { type: 'boolean' },
      table: { type: 'string' },
      limit: { type: 'string' },
      resolve: { type: 'string' },
      choose: { type: 'string' },
    })
    const choose = flags.choose === undefined ? undefined : chooseSchema.safeParse(flags.choose)
    if (choose?.success === false) throw new UsageError('--choose: local, remote or drop')
    if ((flags.resolve === undefined) !== (choose === undefined)) {
      throw new UsageError('--resolve and --choose go together')
    }
    const limit = z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .safeParse(flags.limit ?? '50')
    if (!limit.success) throw new UsageError('--limit: a whole number from 1 to 1000')
    const { base, call } = serverCall(context, flags)
    const { io } = context
    return reportingFailures(context, 'conflicts', async () => {
      if (flags.resolve !== undefined && choose?.success === true) {
        const body = await call(`/v1/conflicts/${encodeURIComponent(flags.resolve)}/resolve`, {
          method: 'POST',
          body: { choose: choose.data },
        })
        if (flags.json === true) io.out(JSON.stringify(body, null, 2))
        else
          io.out(
            `${flags.resolve}: ${choose.data} (${String((body as { outcome?: unknown }).outcome)})`,
          )
        return 0
      }
      const query = new URLSearchParams({ limit: String(limit.data) })
      if (flags.all !== true) query.set('status', 'open')
      if (flags.table !== undefined) query.set('table', flags.table)
      const body = await call(`/v1/conflicts?${query.toString()}`)
      if (flags.json === true) {
        io.out(JSON.stringify(body, null, 2))
        return 0
      }
      const { conflicts } = listSchema.parse(body)
      io.out(`${base}  ${conflicts.length} ${flags.all === true ? '' : 'open '}conflicts`)
      for (const c of conflicts) {
        const state = c.status === 'open' ? 'OPEN' : `resolved ${c.resolution ?? ''}`
        io.out(
          `  ${c.id}  ${c.tableName ?? c.tableId} ${c.recordId}  ${c.policy}  ${state}  ${c.createdAt}`,
        )
        for (const f of c.fields) {
          io.out(
            `      ${f.name}: base ${shortValue(f.base)}  local ${shortValue(f.local)}  remote ${shortValue(f.remote)}`,
          )
        }
      }
      return 0
    })
  },
}
