/**
 * `airsync status`: asks a running server for `GET /v1/status` and prints it. Exit 0 when ready,
 * 1 when not yet ready or unreachable.
 */
import { z } from 'zod'
import type { Command, CommandIo } from '../command.ts'
import {
  SERVER_FLAGS,
  SERVER_FLAGS_USAGE,
  parseFlags,
  reportingFailures,
  serverCall,
} from './server-http.ts'

export const STATUS_USAGE = `Usage: airsync status [options]

Prints the status of a running airsync server: ready, and per table rows, last sync and lag.

Options:
${SERVER_FLAGS_USAGE}
  --help      this text`

const statusSchema = z.looseObject({
  ready: z.boolean(),
  baseId: z.string(),
  lastFullSyncAt: z.string().optional(),
  tables: z.array(
    z.looseObject({
      name: z.string(),
      status: z.string(),
      rows: z.number(),
      lastSyncAt: z.string().optional(),
      lagMs: z.number().optional(),
    }),
  ),
})

/** Prints a status report as a table (or raw JSON); the exit code: 0 when ready. */
function printStatus(
  io: CommandIo,
  report: { base: string; body: unknown; json: boolean },
): number {
  const { base, body, json } = report
  if (json) {
    io.out(JSON.stringify(body, null, 2))
    return statusSchema.safeParse(body).data?.ready === true ? 0 : 1
  }
  const status = statusSchema.parse(body)
  io.out(`${base}  base ${status.baseId}  ${status.ready ? 'ready' : 'NOT READY'}`)
  io.out(`  last full sync ${status.lastFullSyncAt ?? 'never'}`)
  const width = Math.max(5, ...status.tables.map((t) => t.name.length))
  for (const t of status.tables) {
    const lag = t.lagMs === undefined ? '-' : `${Math.round(t.lagMs / 1000)} s`
    io.out(
      `  ${t.name.padEnd(width)}  ${t.status.padEnd(8)} ${String(t.rows).padStart(7)} rows  lag ${lag}`,
    )
  }
  return status.ready ? 0 : 1
}

export const statusCommand: Command = {
  summary: "print a running server's sync status",
  usage: STATUS_USAGE,
  run(context) {
    const flags = parseFlags(context.argv, SERVER_FLAGS)
    const { base, call } = serverCall(context, flags)
    return reportingFailures(context, 'status', async () =>
      printStatus(context.io, { base, body: await call('/v1/status'), json: flags.json === true }),
    )
  },
}
