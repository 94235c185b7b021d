/**
 * Test helpers: the composed airsync server over the shop base in a real emulator on port 0,
 * polling or pinged (then its public URL is a port picked before it listens), with HTTP helpers
 * for its API. Dispose the stack before the database.
 */
import { createServer } from 'node:net'
import { pino } from 'pino'
import { expect } from 'vitest'
import type { RunningEmulator } from '../emulator/index.ts'
import type { Db } from '../store/index.ts'
import { serverConfigSchema, type ServerConfigInput } from './config.ts'
import { SHOP_BASE_ID, shopBase } from './ingest-helpers.ts'
import { createAirsyncServer, type AirsyncServer } from './server.ts'
import { startTestEmulator, TEST_TOKEN } from './test-helpers.ts'

export const STACK_SERVICE_KEY = 'stack-test-service-key-0123456789'

/** A running emulator and server. */
export interface TestStack extends AsyncDisposable {
  running: RunningEmulator
  server: AirsyncServer
  url: string
  /** Calls the server's API with the service key; JSON in, JSON out. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<unknown>
}

/** A port free right now (the server needs its public URL before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Starts the stack and waits until the server is ready and ingesting. */
export async function startStack(
  db: Db,
  options: { pinged: boolean; config?: Partial<ServerConfigInput> },
): Promise<TestStack> {
  const running = await startTestEmulator({ bases: [shopBase()] })
  const port = await freePort()
  const config = serverConfigSchema.parse({
    airtableApiUrl: running.url,
    airtableAccessToken: TEST_TOKEN,
    baseId: SHOP_BASE_ID,
    port,
    ...(options.pinged && { publicUrl: `http://127.0.0.1:${port}` }),
    serviceKey: STACK_SERVICE_KEY,
    airtableRatePerSecond: 1000,
    airtableRateWindowMs: 0,
    pollIntervalMs: 100,
    reconcileIntervalMs: 0,
    webDir: 'off',
    logLevel: 'silent',
    ...options.config,
  })
  const server = await createAirsyncServer({ ...config, db, logger: pino({ level: 'silent' }) })
  const url = await server.start()
  await server.whenReady()
  await expect.poll(() => server.ingest?.leading, { timeout: 10_000 }).toBe(true)
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${STACK_SERVICE_KEY}`, 'content-type': 'application/json' },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`)
    return text === '' ? undefined : (JSON.parse(text) as unknown)
  }
  return {
    running,
    server,
    url,
    api,
    async [Symbol.asyncDispose]() {
      await server.close()
      await running.close()
    },
  }
}
