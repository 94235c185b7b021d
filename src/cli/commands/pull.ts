/**
 * `airsync pull`: one full sync of the configured base into the store, with a progress line, then
 * exit. Exit code 1 when a table failed (the others are synced).
 */
import { FullSyncError, pullBase } from '../../server/index.ts'
import type { Command } from '../command.ts'
import { createProgressDisplay } from '../progress.ts'
import { envUsageOf, parsePullConfig, PULL_CONFIG_KEYS } from './server-args.ts'

export const PULL_USAGE = `Usage: airsync pull [options]

Runs a full sync of the base into the mirror (every table, paginated, in parallel within
Airtable's rate limit), then exits.

Options:
  --base ID        the base (default $AIRTABLE_BASE_ID)
  --api-url URL    Airtable's API root (default $AIRTABLE_API_URL or Airtable's)
  --data-dir DIR   PGlite's data folder (default $AIRSYNC_DATA_DIR or ./.airsync/)
  --help           this text

${envUsageOf(PULL_CONFIG_KEYS)}`

export const pullCommand: Command = {
  summary: 'full sync of the base into the mirror, then exit',
  usage: PULL_USAGE,
  async run({ argv, env, io, signal }) {
    const config = parsePullConfig(argv, env)
    io.out(`pulling ${config.baseId} from ${config.airtableApiUrl}`)
    try {
      await pullBase({
        ...config,
        signal,
        onProgress: createProgressDisplay({ redraw: io.redraw, line: io.out }),
      })
      return 0
    } catch (error) {
      if (error instanceof FullSyncError) {
        io.err(`airsync pull: ${error.message}`)
        return 1
      }
      throw error
    }
  },
}
