/**
 * The stack `npm start` runs, for the browser tests: `bin/airsync start` spawned on free ports
 * with a fresh data folder (PGlite on disk, emulator state, dev secrets), serving a PWA bundle
 * built from the current sources into a temp folder (AIRSYNC_WEB_DIR, so parallel runs never
 * race on dist/web). Resolves once `start` prints its ready line.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildWeb, PACKAGE_ROOT } from '../../src/cli/commands/web-build.ts'

/** The dev secrets `airsync start` generated (its data folder's dev-secrets.json). */
export interface StartSecrets {
  airtableToken: string
  serviceKey: string
  jwtSecret: string
}

/** A record as the API answers it. */
export interface StackRecord {
  id: string
  fields: Record<string, unknown>
}

/** A running `airsync start`. */
export interface StartedStack extends AsyncDisposable {
  /** The server (and app) origin, `http://127.0.0.1:port`. */
  url: string
  /** The emulator's origin. */
  emulatorUrl: string
  baseId: string
  secrets: StartSecrets
  /** Everything `start` printed. */
  output: string
  /** Where the PWA bundle was built. */
  webDir: string
  /** Every record of a table as airsync's mirror holds it (service key; no Airtable call). */
  mirror(table: string): Promise<StackRecord[]>
  /**
   * One record as the emulator (Airtable) holds it: one request, and the emulator's rate limits
   * reset first, so the test's own reads never put the server in a 30 s penalty.
   */
  upstream(table: string, recordId: string): Promise<StackRecord>
  /** An edit "as the operations team makes it in Airtable's UI" (emulator control route). */
  uiEdit(table: string, record: { id: string; fields: Record<string, unknown> }): Promise<void>
  /** GET on airsync with the service key. */
  serviceGet<T>(urlPath: string): Promise<T>
  close(): Promise<void>
}

async function ok(response: Response): Promise<Response> {
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
  return response
}

/** Options of {@link startAppStack}. */
export interface AppStackOptions {
  /** Extra environment of `airsync start` (e.g. `AIRSYNC_EVENTS_MAX_STREAMS_PER_USER`). */
  env?: Record<string, string>
}

/** Builds the PWA, spawns `airsync start` and waits for its ready line. */
export async function startAppStack(options: AppStackOptions = {}): Promise<StartedStack> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'airsync-web-'))
  const webDir = path.join(dataDir, 'web')
  await buildWeb({ outDir: webDir, logLevel: 'silent' })
  const env: Record<string, string | undefined> = { ...process.env }
  delete env['DATABASE_URL']
  delete env['PORT']
  const child = spawn(
    process.execPath,
    [path.join(PACKAGE_ROOT, 'bin/airsync'), 'start', '--port', '0', '--emulator-port', '0'],
    {
      cwd: PACKAGE_ROOT,
      env: { ...env, ...options.env, AIRSYNC_DATA_DIR: dataDir, AIRSYNC_WEB_DIR: webDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  let output = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const close = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
    await rm(dataDir, { recursive: true, force: true })
  }
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const ready = /^ready (\S+)$/m.exec(output)
        if (ready?.[1] !== undefined) resolve(ready[1])
      })
      void exited.then((code) =>
        reject(new Error(`airsync start exited ${code}:\n${output}\n${stderr}`)),
      )
    })
    const emulatorUrl = /^emulator\s+(\S+)/m.exec(output)?.[1] ?? ''
    const baseId = /^base\s+(\S+)/m.exec(output)?.[1] ?? ''
    const secrets = JSON.parse(
      await readFile(path.join(dataDir, 'dev-secrets.json'), 'utf8'),
    ) as StartSecrets
    const emulatorHeaders = {
      authorization: `Bearer ${secrets.airtableToken}`,
      'content-type': 'application/json',
    }
    const serviceGet = async <T>(urlPath: string): Promise<T> => {
      const response = await ok(
        await fetch(`${url}${urlPath}`, {
          headers: { authorization: `Bearer ${secrets.serviceKey}` },
        }),
      )
      return (await response.json()) as T
    }
    const tableUrl = (table: string): string =>
      `${emulatorUrl}/v0/${baseId}/${encodeURIComponent(table)}`
    return {
      url,
      emulatorUrl,
      baseId,
      secrets,
      output,
      webDir,
      mirror: async (table) => {
        const records: StackRecord[] = []
        let offset: string | undefined
        do {
          const query = offset === undefined ? '' : `?offset=${encodeURIComponent(offset)}`
          const page = await serviceGet<{ records: StackRecord[]; offset?: string }>(
            `/v0/${baseId}/${encodeURIComponent(table)}${query}`,
          )
          records.push(...page.records)
          offset = page.offset
        } while (offset !== undefined)
        return records
      },
      upstream: async (table, recordId) => {
        await ok(
          await fetch(`${emulatorUrl}/__emulator/rate-limits/reset`, {
            method: 'POST',
            headers: emulatorHeaders,
          }),
        )
        const response = await ok(
          await fetch(`${tableUrl(table)}/${recordId}`, { headers: emulatorHeaders }),
        )
        return (await response.json()) as StackRecord
      },
      uiEdit: async (table, record) => {
        await ok(
          await fetch(
            `${emulatorUrl}/__emulator/bases/${baseId}/tables/${encodeURIComponent(table)}/records`,
            {
              method: 'POST',
              headers: emulatorHeaders,
              body: JSON.stringify({ action: 'update', records: [record] }),
            },
          ),
        )
      },
      serviceGet,
      close,
      [Symbol.asyncDispose]: close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
