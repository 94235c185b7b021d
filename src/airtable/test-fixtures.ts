/**
 * Shared set-up for the client's HTTP tests: a scripted server on port 0 and a client pointed at
 * it with a fast private limiter, tiny backoffs and an event log.
 */
import { createAirtableClient, type AirtableClient } from './http.ts'
import { RateLimiter } from './limiter.ts'
import { startTestServer, type Script, type TestServer } from './test-server.ts'
import type { RequestEvent, TransportOptions } from './transport.ts'

export interface Harness {
  server: TestServer
  client: AirtableClient
  limiter: RateLimiter
  events: RequestEvent[]
}

/** Starts a server answering by `script` and a client for it. */
export async function startHarness(
  script: Script,
  options: Partial<TransportOptions> = {},
): Promise<Harness> {
  const server = await startTestServer(script)
  const limiter =
    options.limiter ??
    new RateLimiter({ baseRatePerSecond: 1000, tokenRatePerSecond: 1000, penaltyMs: 30 })
  const events: RequestEvent[] = []
  const client = createAirtableClient({
    token: 'patTEST.secret',
    apiUrl: server.url,
    limiter,
    timeoutMs: 2000,
    retry: { baseDelayMs: 2, maxDelayMs: 10 },
    onRequest: (event) => events.push(event),
    ...options,
  })
  return { server, client, limiter, events }
}

/** A record as Airtable returns it. */
export function record(n: number, fields: Record<string, unknown> = { Name: `n${n}` }) {
  return {
    id: `rec${String(n).padStart(14, '0')}`,
    createdTime: '2026-01-01T00:00:00.000Z',
    fields,
  }
}

/** An Airtable error body. */
export function errorJson(type: string, message?: string) {
  return { error: message === undefined ? { type } : { type, message } }
}
