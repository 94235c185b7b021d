/**
 * `airsync start` (`npm start`): the whole stack in one process on a fresh machine — the emulator
 * with the Presence seed (state kept in the data folder), and the server on PGlite (or
 * DATABASE_URL) pointed at it, serving the Presence PWA (built first when dist/web is missing or
 * older than its sources) with the demo sign-in on. Dev secrets (emulator token, service key, JWT secret) are generated
 * once and kept in the data folder, so restarts keep them and issued tokens stay valid.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { DEFAULT_UI_USER, loadSeedBases, startEmulator } from '../../emulator/index.ts'
import { DEMO_HOST_EMAIL, DEMO_MEMBER_EMAIL } from '../../emulator/seed/index.ts'
import {
  DEFAULT_WEB_DIR,
  PRESENCE_BASE_ID,
  createAirsyncServer,
  issueDevToken,
  serverConfigSchema,
} from '../../server/index.ts'
import { UsageError, type Command, type CommandIo } from '../command.ts'
import { serveUntilStopped } from './serve.ts'
import { configInput, parseConfig } from './server-args.ts'
import { buildWeb, isWebBuildStale } from './web-build.ts'

export const START_USAGE = `Usage: airsync start [options]

Runs the embedded stack: a local Airtable (emulator, Presence seed) and the airsync server on
PGlite, with generated dev keys, and the Presence PWA (built first when missing or stale) with
the demo sign-in on; prints the URLs, keys, demo sign-ins and demo user tokens.

Options:
  --port N           the server's port (default $PORT or 8787; 0 picks a free one)
  --emulator-port N  the emulator's port (default $AIRSYNC_EMULATOR_PORT or 8788)
  --data-dir DIR     data folder (default $AIRSYNC_DATA_DIR or ./.airsync/)
  --log-level L      server log level (default $AIRSYNC_LOG_LEVEL or warn)
  --help             this text`

/** Secrets generated for the embedded stack, stored as `dev-secrets.json` in the data folder. */
const devSecretsSchema = z.object({
  airtableToken: z.string().min(1),
  serviceKey: z.string().min(16),
  jwtSecret: z.string().min(16),
})
type DevSecrets = z.infer<typeof devSecretsSchema>

const secretsFile = (dataDir: string): string => join(dataDir, 'dev-secrets.json')

/** The stored dev secrets, or undefined when `airsync start` never ran with this data folder. */
export function readDevSecrets(dataDir: string): DevSecrets | undefined {
  let text: string
  try {
    text = readFileSync(secretsFile(dataDir), 'utf8')
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined
    throw error
  }
  return devSecretsSchema.parse(JSON.parse(text))
}

/** Reads the stored dev secrets or creates them (file mode 0600). */
export function loadDevSecrets(dataDir: string): DevSecrets & { created: boolean } {
  const stored = readDevSecrets(dataDir)
  if (stored !== undefined) return { ...stored, created: false }
  const secrets: DevSecrets = {
    airtableToken: `patDev${randomBytes(7).toString('hex')}.${randomBytes(32).toString('hex')}`,
    serviceKey: `ask_${randomBytes(24).toString('base64url')}`,
    jwtSecret: randomBytes(32).toString('base64url'),
  }
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(secretsFile(dataDir), `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return { ...secrets, created: true }
}

const portSchema = z.coerce.number().int().min(0).max(65_535)

/** Builds the package's PWA when stale; a custom AIRSYNC_WEB_DIR is the operator's to build. */
async function ensureWebBuild(io: CommandIo, webDir: string | undefined): Promise<void> {
  if (webDir !== undefined || !isWebBuildStale(DEFAULT_WEB_DIR)) return
  io.out('building the Presence PWA (vite build → dist/web)…')
  await buildWeb()
}

function printApp(io: CommandIo, url: string, devSignIn: boolean): void {
  io.out(`app       ${url}/  (Presence PWA)`)
  if (!devSignIn) return
  io.out('  demo sign-ins (buttons on the sign-in page):')
  io.out(`    member ${DEMO_MEMBER_EMAIL}`)
  io.out(`    host   ${DEMO_HOST_EMAIL}`)
  io.out(`    admin  ${DEFAULT_UI_USER.email ?? ''}`)
}

async function printDemoTokens(
  io: CommandIo,
  options: { jwtSecret: string; ttlSeconds: number },
): Promise<void> {
  const { jwtSecret, ttlSeconds } = options
  const demo = [
    { role: 'member' as const, email: DEMO_MEMBER_EMAIL },
    { role: 'host' as const, email: DEMO_HOST_EMAIL },
    { role: 'admin' as const, email: DEFAULT_UI_USER.email },
  ]
  io.out(`  demo bearer tokens (valid ${Math.round(ttlSeconds / 3600)} h):`)
  for (const user of demo) {
    const token = await issueDevToken({
      secret: jwtSecret,
      sub: `demo-${user.role}`,
      email: user.email,
      role: user.role,
      ttlSeconds,
    })
    io.out(`    ${user.role.padEnd(6)} ${user.email}  ${token}`)
  }
}

export const startCommand: Command = {
  summary: 'run the embedded stack: emulator (Presence) + server on PGlite',
  usage: START_USAGE,
  async run({ argv, env, io, signal }) {
    let values
    try {
      values = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
          port: { type: 'string' },
          'emulator-port': { type: 'string' },
          'data-dir': { type: 'string' },
          'log-level': { type: 'string' },
        },
      }).values
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error))
    }
    const input = configInput(
      { port: values.port, 'data-dir': values['data-dir'], 'log-level': values['log-level'] },
      env,
    )
    const dataDir = input['dataDir'] ?? './.airsync/'
    const emulatorPort = parseConfig(
      portSchema,
      values['emulator-port'] ?? env['AIRSYNC_EMULATOR_PORT'] ?? 8788,
    )
    const secrets = loadDevSecrets(dataDir)
    if (input['webDir'] !== 'off') await ensureWebBuild(io, input['webDir'])
    const emulator = await startEmulator({
      port: emulatorPort,
      host: '127.0.0.1',
      bases: await loadSeedBases({ seed: 'presence' }),
      tokens: [secrets.airtableToken],
      dataDir: join(dataDir, 'emulator'),
      onError: (error) =>
        io.err(
          `emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    })
    try {
      const config = parseConfig(serverConfigSchema, {
        ...input,
        logLevel: input['logLevel'] ?? 'warn',
        dataDir,
        airtableApiUrl: emulator.url,
        airtableAccessToken: secrets.airtableToken,
        baseId: PRESENCE_BASE_ID,
        serviceKey: input['serviceKey'] ?? secrets.serviceKey,
        jwtSecret: input['jwtSecret'] ?? secrets.jwtSecret,
        devSignIn: input['devSignIn'] ?? 'on',
        // The emulator is local: poll its webhook often, so an edit made there reaches open pages
        // within a second, yet at 2/s, well under its 5 requests/s per base.
        pollIntervalMs: input['pollIntervalMs'] ?? 500,
      })
      const server = await createAirsyncServer(config)
      io.out(
        `emulator  ${emulator.url}  (Airtable API, Presence seed; token ${secrets.airtableToken})`,
      )
      io.out(`base      ${PRESENCE_BASE_ID}`)
      io.out(`data      ${dataDir}${config.databaseUrl === undefined ? ' (PGlite)' : ''}`)
      await serveUntilStopped(server, {
        io,
        signal,
        onReady: async () => {
          io.out(`server    ${server.url ?? ''}`)
          io.out(`  service key  ${config.serviceKey}`)
          if (config.jwtSecret !== undefined) {
            await printDemoTokens(io, {
              jwtSecret: config.jwtSecret,
              ttlSeconds: config.jwtMaxLifetimeSeconds,
            })
          }
          // Last, so it is what a newcomer sees above the ready line.
          if (config.webDir !== 'off') printApp(io, server.url ?? '', config.devSignIn)
        },
      })
    } finally {
      await emulator.close()
    }
    return 0
  },
}
