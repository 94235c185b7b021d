/**
 * `airsync serve`: the server until SIGINT/SIGTERM. Prints `listening <url>` once the port is
 * bound and `ready <url>` once the mirror has completed a full sync (at once for a synced one).
 */
import { createAirsyncServer, type AirsyncServer } from '../../server/index.ts'
import type { Command, CommandIo } from '../command.ts'
import { ENV_USAGE, parseServeConfig } from './server-args.ts'

/** The line printed once the server serves a synced mirror. */
export const READY_PREFIX = 'ready'

export const SERVE_USAGE = `Usage: airsync serve [options]

Serves the Airtable-compatible API from the mirror, keeping it in sync with the base.

Options:
  --port N         port to listen on; 0 picks a free one (default $PORT or 8787)
  --host H         interface to bind (default $HOST or 127.0.0.1)
  --base ID        the base (default $AIRTABLE_BASE_ID)
  --api-url URL    Airtable's API root (default $AIRTABLE_API_URL or Airtable's)
  --data-dir DIR   data folder (default $AIRSYNC_DATA_DIR or ./.airsync/)
  --policies FILE  policy document (JSON; default $AIRSYNC_POLICIES_FILE)
  --log-level L    pino level (default $AIRSYNC_LOG_LEVEL or info)
  --help           this text

${ENV_USAGE}`

/** Resolves when `signal` aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}

/**
 * Starts `server`, prints its lines, waits for the signal and closes it. `onReady` runs once the
 * mirror is synced, before the ready line.
 */
export async function serveUntilStopped(
  server: AirsyncServer,
  context: { io: CommandIo; signal: AbortSignal; onReady?: () => Promise<void> | void },
): Promise<void> {
  const { io, signal } = context
  try {
    const url = await server.start()
    io.out(`airsync listening on ${url}  (base ${server.baseId})`)
    if (!server.ready) io.out('  first full sync running; reads are served once it is done')
    await Promise.race([server.whenReady(), untilAborted(signal)])
    if (!signal.aborted) {
      await context.onReady?.()
      io.out(`${READY_PREFIX} ${url}`)
    }
    await untilAborted(signal)
    io.out('airsync stopping')
  } finally {
    await server.close()
  }
}

export const serveCommand: Command = {
  summary: 'serve the API from the mirror, kept in sync with the base',
  usage: SERVE_USAGE,
  async run({ argv, env, io, signal }) {
    const config = parseServeConfig(argv, env)
    const server = await createAirsyncServer(config)
    await serveUntilStopped(server, { io, signal })
    return 0
  },
}
