import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadSeed, PRESENCE_BASE_ID, startEmulator } from '../../emulator/index.ts'
import type { RunningEmulator } from '../../emulator/index.ts'
import { runCli } from '../run.ts'
import { parseCodegenArgs } from './codegen.ts'

const TOKEN = 'patCodegenTest001.0000'
const COMMITTED = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../protocol/presence.generated.ts',
)

let running: RunningEmulator
let dir: string

beforeAll(async () => {
  running = await startEmulator({
    tokens: [TOKEN],
    rateLimit: false,
    bases: [loadSeed('presence')],
  })
  dir = await mkdtemp(path.join(tmpdir(), 'airsync-codegen-'))
})

afterAll(async () => {
  await running.close()
  await rm(dir, { recursive: true, force: true })
})

function collect(): {
  out: string[]
  err: string[]
  io: { out: (l: string) => void; err: (l: string) => void }
} {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l) } }
}

describe('airsync codegen', () => {
  test('the committed Presence types equal a fresh run against the Presence seed', async () => {
    const file = path.join(dir, 'presence.generated.ts')
    const { io, err } = collect()
    const code = await runCli(
      ['codegen', '--out', file],
      {
        AIRTABLE_API_URL: running.url,
        AIRTABLE_ACCESS_TOKEN: TOKEN,
        AIRTABLE_BASE_ID: PRESENCE_BASE_ID,
      },
      io,
    )
    expect(err.join('\n')).toContain('6 tables')
    expect(code).toBe(0)
    const fresh = await readFile(file, 'utf8')
    expect(fresh).toContain('export type PresenceTables = {')
    // If this fails, regenerate: see src/protocol/presence.generated.ts's first line.
    expect(fresh).toBe(await readFile(COMMITTED, 'utf8'))
  })

  test('without --out the types go to stdout; --name names the tables map', async () => {
    const { io, out } = collect()
    const code = await runCli(
      ['codegen', '--base', PRESENCE_BASE_ID, '--name', 'Demo Shop'],
      { AIRTABLE_API_URL: running.url, AIRTABLE_ACCESS_TOKEN: TOKEN },
      io,
    )
    expect(code).toBe(0)
    expect(out.join('\n')).toContain('export type DemoShopTables = {')
    expect(out.join('\n')).toContain("export const DEMO_SHOP_BASE_ID = 'appPresenceDemo01'")
  })

  test('a wrong token fails with the API error, exit code 1', async () => {
    const { io, err } = collect()
    const code = await runCli(
      ['codegen', '--base', PRESENCE_BASE_ID],
      {
        AIRTABLE_API_URL: running.url,
        AIRTABLE_ACCESS_TOKEN: 'patWrongToken0001.0000',
      },
      io,
    )
    expect(code).toBe(1)
    expect(err.join('\n')).toMatch(/AUTHENTICATION_REQUIRED|Authentication required/)
  })

  test('with neither URL nor token, it reads the local `airsync start` stack and its only base', async () => {
    const dataDir = path.join(dir, 'start-data')
    await mkdir(dataDir)
    // The stack's service key, as `airsync start` keeps it; the emulator stands in for its server.
    const secrets = { airtableToken: 'unused', serviceKey: TOKEN, jwtSecret: 'x'.repeat(32) }
    await writeFile(path.join(dataDir, 'dev-secrets.json'), JSON.stringify(secrets))
    const { io, out } = collect()
    const port = new URL(running.url).port
    const code = await runCli(['codegen'], { AIRSYNC_DATA_DIR: dataDir, PORT: port }, io)
    expect(code).toBe(0)
    expect(out.join('\n')).toContain(`export const PRESENCE_BASE_ID = '${PRESENCE_BASE_ID}'`)
    // An Airtable URL of its own never gets the local service key.
    expect(() =>
      parseCodegenArgs([], {
        AIRSYNC_DATA_DIR: dataDir,
        AIRTABLE_API_URL: 'https://api.airtable.com',
      }),
    ).toThrow(/AIRTABLE_ACCESS_TOKEN is required/)
  })

  test.each([
    [[], {}, /AIRTABLE_ACCESS_TOKEN is required/],
    [['--base', 'nope'], { AIRTABLE_ACCESS_TOKEN: 't' }, /a base ID is app/],
    [['--bogus'], { AIRTABLE_ACCESS_TOKEN: 't' }, /bogus/],
  ])('bad configuration %j is a usage error', (argv, env, message) => {
    // An empty data folder: no `airsync start` secrets to fall back on.
    expect(() => parseCodegenArgs(argv, { AIRSYNC_DATA_DIR: dir, ...env })).toThrow(message)
  })

  test('config: flags win over env, the API URL defaults to Airtable', () => {
    expect(
      parseCodegenArgs(['--base', 'appAAAAAAAAAAAAAA'], {
        AIRTABLE_BASE_ID: 'appBBBBBBBBBBBBBB',
        AIRTABLE_ACCESS_TOKEN: 'tok',
      }),
    ).toEqual({ baseId: 'appAAAAAAAAAAAAAA', token: 'tok', apiUrl: 'https://api.airtable.com' })
  })
})
