/**
 * How the operator commands (`outbox`, `conflicts`, `audit`) reach a running server: its URL
 * (`--url`, else `http://127.0.0.1:$PORT`) and the service key (`--key`, `$AIRSYNC_SERVICE_KEY`,
 * else the one `airsync start` keeps in the data folder), then JSON over HTTP. A failed call
 * prints the server's error envelope and becomes exit code 1.
 */
import path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError, type CommandContext } from '../command.ts'
import { readDevSecrets } from './start.ts'

/** The flags every operator command accepts. */
export const SERVER_FLAGS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options']

/** Their usage lines. */
export const SERVER_FLAGS_USAGE = `  --url URL   the server (default http://127.0.0.1:$PORT, PORT defaulting to 8787)
  --key KEY   the service key (default $AIRSYNC_SERVICE_KEY, else the one \`airsync start\`
              keeps in $AIRSYNC_DATA_DIR or ./.airsync/)
  --json      print the raw JSON`

/** Parses a command's flags (strict, no positionals); bad flags are a UsageError. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true }>>['values'] {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

/** A call failed: the message is printed as is. */
export class ServerCallError extends Error {
  override readonly name = 'ServerCallError'
}

/** Calls the server; resolves with the JSON body of a 2xx answer. */
export type ServerCall = (
  path: string,
  init?: { method?: 'GET' | 'POST'; body?: unknown },
) => Promise<unknown>

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value

/** The service key an operator command sends, and where it came from (for hints). */
export function findServiceKey(
  env: Readonly<Record<string, string | undefined>>,
  flag: string | undefined,
): { key: string | undefined; from: string } {
  if (flag !== undefined) return { key: flag, from: '--key' }
  const fromEnv = nonEmpty(env['AIRSYNC_SERVICE_KEY'])
  if (fromEnv !== undefined) return { key: fromEnv, from: '$AIRSYNC_SERVICE_KEY' }
  const dataDir = env['AIRSYNC_DATA_DIR'] ?? './.airsync/'
  return {
    key: readDevSecrets(dataDir)?.serviceKey,
    from: path.join(dataDir, 'dev-secrets.json'),
  }
}

/** What to tell an operator whose key the server refused. */
function keyHint({ key, from }: { key: string | undefined; from: string }): string {
  if (key === undefined) {
    return `no service key found (tried --key, $AIRSYNC_SERVICE_KEY and ${from}): pass --key, set AIRSYNC_SERVICE_KEY, or run in the folder where \`airsync start\` runs (or point AIRSYNC_DATA_DIR at its data folder)`
  }
  return `the server refused the service key from ${from}: is it the key this server was started with?`
}

/** A caller for the server the flags and env name. */
export function serverCall(
  context: Pick<CommandContext, 'env' | 'signal'>,
  flags: { url?: string | undefined; key?: string | undefined },
): { base: string; call: ServerCall } {
  const { env, signal } = context
  const base = (flags.url ?? `http://127.0.0.1:${env['PORT'] ?? '8787'}`).replace(/\/+$/, '')
  const found = findServiceKey(env, flags.key)
  const { key } = found
  const call: ServerCall = async (path, init = {}) => {
    const headers: Record<string, string> = {}
    if (key !== undefined) headers['authorization'] = `Bearer ${key}`
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        headers,
        signal,
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      })
    } catch (error) {
      throw new ServerCallError(
        `${base}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    const text = await response.text()
    if (!response.ok) {
      const hint = response.status === 401 ? `\n  ${keyHint(found)}` : ''
      throw new ServerCallError(`${base}${path}: HTTP ${response.status} ${text}${hint}`)
    }
    return JSON.parse(text) as unknown
  }
  return { base, call }
}

/** Runs a command body; a ServerCallError is printed and becomes exit code 1. */
export async function reportingFailures(
  context: Pick<CommandContext, 'io'>,
  name: string,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body()
  } catch (error) {
    if (!(error instanceof ServerCallError)) throw error
    context.io.err(`airsync ${name}: ${error.message}`)
    return 1
  }
}

/** A short one-line rendering of a cell value for tables. */
export function shortValue(value: unknown, width = 30): string {
  const text = value === null || value === undefined ? '∅' : JSON.stringify(value)
  return text.length > width ? `${text.slice(0, width - 1)}…` : text
}
