/**
 * Emulator benchmarks (issue 2): start-up to ready (the CLI as a process, and in-process), and a
 * filtered page of the 3,000-row Presence Operations table over HTTP, side by side with its
 * variants (POST listRecords, the "Upcoming" view, no filter).
 */
import {
  loadSeed,
  PRESENCE_BASE_ID,
  startEmulator,
  type RunningEmulator,
} from '../src/emulator/index.ts'
import { spawnAirsync, type Benchmark, type BenchCase } from './lib.ts'

const TOKEN = 'patBenchmark00001.0000'
const OPERATIONS = encodeURIComponent('Presence Operations')
const FILTER = encodeURIComponent("AND({Booking Status} = 'Confirmed', {Payment Status} = 'Paid')")

/** Spawns `airsync emulator --port 0` and stops it once it is ready. */
async function spawnUntilReady(): Promise<void> {
  const { child } = await spawnAirsync([
    'emulator',
    '--port',
    '0',
    '--seed',
    'presence',
    '--token',
    TOKEN,
  ])
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
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
