/**
 * `airsync outbox`: a running server's outbox — depth, the oldest pending mutation, held
 * conflicts and the failed mutations — and an operator's decision on a failed one:
 * `--retry ID` sends it again, `--drop ID` gives it up (`GET /v1/outbox`,
 * `POST /v1/outbox/{id}/retry|drop`). Exit 0, or 1 when the server refused or is unreachable.
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

export const OUTBOX_USAGE = `Usage: airsync outbox [options]

Prints the outbox of a running airsync server: depth, oldest pending mutation, failed mutations.

Options:
  --retry ID  send failed mutation ID again
  --drop ID   give up failed mutation ID
  --limit N   failed mutations listed (default 20)
${SERVER_FLAGS_USAGE}
  --help      this text`

const mutationSchema = z.looseObject({
  id: z.string(),
  state: z.string(),
  op: z.string(),
  tableId: z.string(),
  recordId: z.string().optional(),
  attempts: z.number(),
  error: z.looseObject({ type: z.string(), message: z.string() }).optional(),
  createdAt: z.string(),
})
const outboxSchema = z.looseObject({
  depth: z.number(),
  oldestPendingAt: z.string().optional(),
  oldestPendingAgeMs: z.number().optional(),
  conflicts: z.number(),
  failed: z.array(mutationSchema),
})

export const outboxCommand: Command = {
  summary: "show a running server's outbox; retry or drop a failed mutation",
  usage: OUTBOX_USAGE,
  run(context) {
    const flags = parseFlags(context.argv, {
      ...SERVER_FLAGS,
      retry: { type: 'string' },
      drop: { type: 'string' },
      limit: { type: 'string' },
    })
    if (flags.retry !== undefined && flags.drop !== undefined) {
      throw new UsageError('--retry and --drop exclude each other')
    }
    const limit = z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .safeParse(flags.limit ?? '20')
    if (!limit.success) throw new UsageError('--limit: a whole number from 1 to 1000')
    const { base, call } = serverCall(context, flags)
    const { io } = context
    return reportingFailures(context, 'outbox', async () => {
      const target = flags.retry ?? flags.drop
      if (target !== undefined) {
        const verb = flags.retry === undefined ? 'drop' : 'retry'
        const body = await call(`/v1/outbox/${encodeURIComponent(target)}/${verb}`, {
          method: 'POST',
        })
        if (flags.json === true) io.out(JSON.stringify(body, null, 2))
        else io.out(`${target}: ${verb === 'retry' ? 're-queued' : 'dropped'}`)
        return 0
      }
      const body = await call(`/v1/outbox?limit=${limit.data}`)
      if (flags.json === true) {
        io.out(JSON.stringify(body, null, 2))
        return 0
      }
      const outbox = outboxSchema.parse(body)
      const age =
        outbox.oldestPendingAgeMs === undefined
          ? ''
          : `, oldest ${Math.round(outbox.oldestPendingAgeMs / 1000)} s (${outbox.oldestPendingAt ?? ''})`
      io.out(`${base}  outbox depth ${outbox.depth}${age}`)
      io.out(`  held conflicts ${outbox.conflicts}  failed ${outbox.failed.length}`)
      for (const m of outbox.failed) {
        const error = m.error === undefined ? '' : `${m.error.type}: ${m.error.message}`
        io.out(
          `  ${m.id}  ${m.op.padEnd(7)} ${m.tableId} ${m.recordId ?? '-'}  ${m.attempts} attempts  ${error}`,
        )
      }
      return 0
    })
  },
}
