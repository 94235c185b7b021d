/**
 * Issue 7, done means 2: the PWA bundle carries no Airtable token, service key or JWT secret.
 * The build runs the way a careless machine would: the stack's secrets (dev secrets as
 * `airsync start` generates them, and the test stack's keys) sit in the build's environment,
 * where Vite could inline them if any source read them. Every emitted file is searched for the
 * values themselves and for token-shaped strings.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { loadDevSecrets } from '../../src/cli/commands/start.ts'
import { buildWeb } from '../../src/cli/commands/web-build.ts'
import { JWT_SECRET, SERVICE_KEY } from '../stack.ts'
import { findSecrets } from './bundle-secrets.ts'

let dir: string
let secrets: string[]
const ENV_NAMES = ['AIRTABLE_ACCESS_TOKEN', 'AIRSYNC_SERVICE_KEY', 'AIRSYNC_JWT_SECRET']

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'airsync-bundle-'))
  const dev = loadDevSecrets(path.join(dir, 'data'))
  secrets = [dev.airtableToken, dev.serviceKey, dev.jwtSecret, SERVICE_KEY, JWT_SECRET]
  ENV_NAMES.forEach((name, i) => (process.env[name] = secrets[i]))
  await buildWeb({ outDir: path.join(dir, 'web'), logLevel: 'silent' })
}, 120_000)
afterAll(async () => {
  for (const name of ENV_NAMES) delete process.env[name]
  await rm(dir, { recursive: true, force: true })
})

test('the built PWA holds no Airtable token, service key or JWT secret', async () => {
  expect(await findSecrets(path.join(dir, 'web'), secrets)).toEqual([])
})

test('the search finds a secret or a token-shaped string when one is there', async () => {
  const planted = path.join(dir, 'planted')
  await rm(planted, { recursive: true, force: true })
  await mkdir(planted)
  await writeFile(path.join(planted, 'a.js'), `const k = ${JSON.stringify(secrets[1])}`)
  await writeFile(path.join(planted, 'b.js'), 'const t = "patAbcdefghijklmn.0123456789"')
  expect(await findSecrets(planted, secrets)).toEqual([
    `a.js: ${secrets[1]}`,
    'b.js: token-shaped patAbcdefghijklmn.',
  ])
})
