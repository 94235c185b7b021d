/**
 * `airsync start` as a process (what `npm start` runs) on a fresh data folder with free ports:
 * the ready line, /healthz, a synced status, demo tokens that work; a restart keeps the keys and
 * is ready from the stored mirror.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'airsync-start-'))
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

interface Started {
  lines: string[]
  url: string
  stop(): Promise<number | null>
}

/** Spawns `airsync start` and resolves once it prints its ready line. */
function start(): Promise<Started> {
  // The embedded defaults: no DATABASE_URL or PORT from the test runner's environment.
  const env = { ...process.env }
  delete env['DATABASE_URL']
  delete env['PORT']
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/airsync'), 'start', '--port', '0', '--emulator-port', '0'],
    { cwd: ROOT, env: { ...env, AIRSYNC_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const ready = /^ready (\S+)$/m.exec(out)
      if (ready?.[1] === undefined) return
      resolve({
        lines: out.split('\n'),
        url: ready[1],
        stop: () => {
          child.kill('SIGTERM')
          return exit
        },
      })
    })
    void exit.then((code) => reject(new Error(`airsync start exited ${code}:\n${out}\n${stderr}`)))
  })
}

const valueAfter = (lines: string[], label: RegExp): string => {
  const line = lines.find((l) => label.test(l))
  return line?.replace(label, '').trim().split(/\s+/)[0] ?? ''
}

test('airsync start: emulator + server, ready after the first sync, keys kept on restart', async () => {
  const first = await start()
  const serviceKey = valueAfter(first.lines, /^\s*service key/)
  const memberToken = first.lines
    .find((l) => l.includes('member@presence.test'))
    ?.split(/\s+/)
    .at(-1)
  try {
    expect(first.lines.some((l) => /^emulator\s+http:\/\/127\.0\.0\.1:\d+/.test(l))).toBe(true)
    expect(first.lines).toContain('base      appPresenceDemo01')
    expect(serviceKey.length).toBeGreaterThanOrEqual(16)
    expect(memberToken).toMatch(/^ey/)
    expect(first.lines.some((l) => l.includes('host@presence.test'))).toBe(true)
    expect(first.lines.some((l) => /^\s+admin\s/.test(l))).toBe(true)

    const health = await fetch(`${first.url}/healthz`)
    expect(health.status).toBe(200)
    const status = (await (
      await fetch(`${first.url}/v1/status`, { headers: { authorization: `Bearer ${serviceKey}` } })
    ).json()) as { ready: boolean; tables: { name: string; rows: number }[] }
    expect(status.ready).toBe(true)
    expect(status.tables.find((t) => t.name === 'Presence Operations')?.rows).toBe(3_000)
    const own = await fetch(`${first.url}/v0/appPresenceDemo01/Members%20Registry`, {
      headers: { authorization: `Bearer ${memberToken ?? ''}` },
    })
    expect(own.status).toBe(200)
  } finally {
    expect(await first.stop()).toBe(0)
  }

  const second = await start()
  try {
    expect(valueAfter(second.lines, /^\s*service key/)).toBe(serviceKey)
    // Ready from the stored mirror: no "first full sync" notice.
    expect(second.lines.some((l) => l.includes('first full sync running'))).toBe(false)
  } finally {
    expect(await second.stop()).toBe(0)
  }
}, 180_000)
