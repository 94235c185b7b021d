/**
 * `airsync status`: asks a running server for `GET /v1/status` and prints it. Exit 0 when ready,
 * 1 when not yet ready or unreachable.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { UsageError, type Command } from '../command.ts'
import { readDevSecrets } from './start.ts'

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value

export const STATUS_USAGE = `Usage: airsync status [options]

Prints the status of a running airsync server: ready, and per table rows, last sync and lag.

Options:
  --url URL   the server (default http://127.0.0.1:$PORT, PORT defaulting to 8787)
  --key KEY   the service key (default $AIRSYNC_SERVICE_KEY, else the one \`airsync start\`
              keeps in $AIRSYNC_DATA_DIR or ./.airsync/)
  --json      print the raw JSON
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

export const statusCommand: Command = {
  summary: "print a running server's sync status",
  usage: STATUS_USAGE,
  async run({ argv, env, io, signal }) {
    let values
    try {
      values = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: { url: { type: 'string' }, key: { type: 'string' }, json: { type: 'boolean' } },
      }).values
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error))
    }
    const base = values.url ?? `http://127.0.0.1:${env['PORT'] ?? '8787'}`
    const key =
      values.key ??
      nonEmpty(env['AIRSYNC_SERVICE_KEY']) ??
      readDevSecrets(env['AIRSYNC_DATA_DIR'] ?? './.airsync/')?.serviceKey
    let body: unknown
    try {
      const response = await fetch(`${base.replace(/\/+$/, '')}/v1/status`, {
        signal,
        ...(key !== undefined && { headers: { authorization: `Bearer ${key}` } }),
      })
      body = await response.json()
      if (!response.ok) {
        io.err(`airsync status: ${base}: HTTP ${response.status} ${JSON.stringify(body)}`)
        return 1
      }
    } catch (error) {
      io.err(`airsync status: ${base}: ${error instanceof Error ? error.message : String(error)}`)
      return 1
    }
    if (values.json === true) {
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
  },
}
