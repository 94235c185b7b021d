/**
 * Emulator benchmarks (issue 2): start-up to ready (the CLI as a process, and in-process), and a
 * filtered page of the 3,000-row Presence Operations table over HTTP, side by side with its
 * variants (POST listRecords, the "Upcoming" view, no filter).
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  loadSeed,
  PRESENCE_BASE_ID,
  startEmulator,
  type RunningEmulator,
} from '../src/emulator/index.ts'
import type { Benchmark, BenchCase } from './lib.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const TOKEN = 'patBenchmark00001.0000'
const OPERATIONS = encodeURIComponent('Presence Operations')
const FILTER = encodeURIComponent("AND({Booking Status} = 'Confirmed', {Payment Status} = 'Paid')")

/** Spawns `airsync emulator --port 0` and resolves once it prints its ready line. */
function spawnUntilReady(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/airsync'),
        'emulator',
        '--port',
        '0',
        '--seed',
        'presence',
        '--token',
        TOKEN,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      if (/^ready /m.test(out)) child.kill('SIGTERM')
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (/^ready /m.test(out)) resolve()
      else reject(new Error(`emulator exited (${code ?? signal}) before ready:\n${out}`))
    })
  })
}

async function presenceServer(): Promise<RunningEmulator> {
  return startEmulator({ tokens: [TOKEN], rateLimit: false, bases: [loadSeed('presence')] })
}

/** A benchmark case that GETs or POSTs one page against a shared Presence server. */
function pageCase(request: (url: string) => Promise<Response>): () => Promise<BenchCase> {
  return async () => {
    const running = await presenceServer()
    return {
      step: async () => {
        const res = await request(running.url)
        if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`)
        await res.json()
      },
      close: () => running.close(),
    }
  }
}

const auth = { authorization: `Bearer ${TOKEN}` }
const get = (query: string) => (url: string) =>
  fetch(`${url}/v0/${PRESENCE_BASE_ID}/${OPERATIONS}?${query}`, { headers: auth })

export const benchmarks: Benchmark[] = [
  {
    group: 'emulator start-up to ready',
    name: 'CLI process (airsync emulator --seed presence)',
    iterations: 5,
    warmup: 1,
    setup: () => ({ step: spawnUntilReady }),
  },
  {
    group: 'emulator start-up to ready',
    name: 'in-process (seed + createEmulator + listen)',
    iterations: 10,
    warmup: 2,
    setup: () => ({
      step: async () => {
        const running = await presenceServer()
        await running.close()
      },
    }),
  },
  {
    group: 'Presence Operations page (3,000 rows, pageSize 100)',
    name: 'filterByFormula, GET',
    iterations: 200,
    warmup: 20,
    setup: pageCase(get(`pageSize=100&filterByFormula=${FILTER}`)),
  },
  {
    group: 'Presence Operations page (3,000 rows, pageSize 100)',
    name: 'filterByFormula, POST listRecords',
    iterations: 200,
    warmup: 20,
    setup: pageCase((url) =>
      fetch(`${url}/v0/${PRESENCE_BASE_ID}/${OPERATIONS}/listRecords`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          pageSize: 100,
          filterByFormula: "AND({Booking Status} = 'Confirmed', {Payment Status} = 'Paid')",
        }),
      }),
    ),
  },
  {
    group: 'Presence Operations page (3,000 rows, pageSize 100)',
    name: 'view=Upcoming',
    iterations: 200,
    warmup: 20,
    setup: pageCase(get('pageSize=100&view=Upcoming')),
  },
  {
    group: 'Presence Operations page (3,000 rows, pageSize 100)',
    name: 'no filter',
    iterations: 200,
    warmup: 20,
    setup: pageCase(get('pageSize=100')),
  },
]
