/**
 * Audit of `--data DIR` (issue 2: "persists state crash-safely across restarts"): the CLI process
 * is killed with SIGKILL right after a burst of acknowledged writes (and while more writes are in
 * flight); after a restart on the same directory every acknowledged write is there.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { Persister } from './persistence.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TOKEN = 'patAuditDurable01.0000'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
const TABLE_URL = (url: string) => `${url}/v0/appEmptyBase00001/Table%201`

interface Started {
  child: ChildProcess
  url: string
  exited: Promise<unknown>
}

/** Starts `airsync emulator --seed empty --data DIR --rate-limit 0` and waits for its ready line. */
async function startCli(dataDir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin/airsync'),
      'emulator',
      ...['--port', '0', '--seed', 'empty', '--token', TOKEN, '--rate-limit', '0'],
      ...['--data', dataDir],
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /^ready (\S+)$/m.exec(out)
      if (match?.[1] !== undefined) resolve(match[1])
    })
    child.on('exit', () => reject(new Error(`exited before ready:\n${out}`)))
  })
  return { child, url, exited }
}

async function create(url: string, name: string): Promise<string | undefined> {
  try {
    const res = await fetch(TABLE_URL(url), {
      method: 'POST',
      headers,
      body: JSON.stringify({ fields: { Name: name } }),
    })
    if (res.status !== 200) return undefined
    return ((await res.json()) as { id: string }).id
  } catch {
    // The process died mid-request: not acknowledged.
    return undefined
  }
}

describe('--data survives kill -9', () => {
  test('every acknowledged write is there after a SIGKILL and a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'airsync-durable-'))
    try {
      const first = await startCli(dataDir)
      const acknowledged: string[] = []
      for (let i = 0; i < 10; i++) {
        const id = await create(first.url, `sequential ${i}`)
        if (id !== undefined) acknowledged.push(id)
      }
      // More writes in flight while the process dies: only the acknowledged ones must survive.
      const inFlight = Array.from({ length: 10 }, (_, i) =>
        create(first.url, `racing ${i}`).then((id) => {
          if (id !== undefined) acknowledged.push(id)
        }),
      )
      // Kill right after the last sequential acknowledgement, without giving a flush any time.
      first.child.kill('SIGKILL')
      await Promise.all(inFlight)
      await first.exited
      expect(acknowledged.length).toBeGreaterThanOrEqual(10)

      const second = await startCli(dataDir)
      try {
        const res = await fetch(TABLE_URL(second.url), { headers })
        const body = (await res.json()) as { records: Array<{ id: string }> }
        const stored = new Set(body.records.map((r) => r.id))
        expect(acknowledged.filter((id) => !stored.has(id))).toEqual([])
      } finally {
        second.child.kill('SIGTERM')
        await second.exited
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  }, 60_000)

  test('temp files a crash left behind are removed on start; the snapshot is kept', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'airsync-durable-'))
    try {
      await writeFile(path.join(dataDir, 'base-appX.json'), '{}')
      await writeFile(path.join(dataDir, '.base-appX.json.123.456.tmp'), '{"half":')
      await new Persister({ dir: dataDir }).init()
      expect(await readdir(dataDir)).toEqual(['base-appX.json'])
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
