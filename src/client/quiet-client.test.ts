/**
 * The client over a scripted fetch port (no network): identical queries from several components
 * share one request; an uncached table is fetched on mount and then kept current by the change
 * stream without another request; a 429's Retry-After reaches the error callers see.
 */
import { afterEach, expect, test } from 'vitest'
import type { RecordEvent } from '../protocol/index.ts'
import { createAirsyncClient, memoryStorage, type AirsyncClient, type FetchLike } from './index.ts'

const BASE = 'appQuiet'

/** A scripted airsync: list answers per table, an SSE stream the test writes to, a request log. */
function fakeServer(lists: Record<string, unknown[]>) {
  const requests: string[] = []
  const encoder = new TextEncoder()
  let stream: ReadableStreamDefaultController<Uint8Array> | undefined
  const fetch: FetchLike = async (request) => {
    const url = new URL(request.url)
    requests.push(`${request.method} ${decodeURIComponent(url.pathname)}`)
    if (url.pathname === '/v1/events') {
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (stream = c) })
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    }
    const table = decodeURIComponent(url.pathname.split('/')[3] ?? '')
    const records = lists[table]
    if (records === undefined) {
      const error = { error: { type: 'RATE_LIMIT_REACHED', message: 'Too many requests' } }
      return Response.json(error, { status: 429, headers: { 'retry-after': '3' } })
    }
    await Promise.resolve()
    return Response.json({ records })
  }
  return {
    fetch,
    requests,
    reads: () => requests.filter((r) => r.startsWith('GET /v0/')),
    connected: () => stream !== undefined,
    send: (event: RecordEvent) =>
      stream?.enqueue(encoder.encode(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`)),
  }
}

const clients: AirsyncClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close()
})

function clientOf(server: ReturnType<typeof fakeServer>, live = true): AirsyncClient {
  const client = createAirsyncClient({
    url: 'http://airsync.test',
    baseId: BASE,
    getToken: () => 'token',
    fetch: server.fetch,
    storage: memoryStorage(),
    online: { isOnline: () => true, subscribe: () => () => undefined },
    tables: { Likes: { ttlMs: 0 } },
    live,
  })
  clients.push(client)
  return client
}

/** Resolves once `check` holds (a wait with a deadline, not a timing claim). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!check()) throw new Error(`never: ${what}`)
}

const like = (id: string) => ({ id, createdTime: '2026-01-01T00:00:00.000Z', fields: { n: id } })

test('identical queries from three components and a one-off read share one request', async () => {
  const server = fakeServer({ Likes: [like('recA')] })
  const client = clientOf(server, false)
  const watches = [client.watchList('Likes'), client.watchList('Likes'), client.watchList('Likes')]
  for (const watch of watches) watch.subscribe(() => undefined)
  const once = await client.listRecords('Likes')
  await until(() => watches.every((w) => w.getSnapshot().status === 'success'), 'all loaded')
  expect(once.map((r) => r.id)).toEqual(['recA'])
  expect(server.reads()).toEqual([`GET /v0/${BASE}/Likes`])
})

test('an uncached table is fetched on mount, then kept current by events alone', async () => {
  const server = fakeServer({ Likes: [like('recA')] })
  const client = clientOf(server)
  const watch = client.watchList('Likes')
  watch.subscribe(() => undefined)
  await until(() => watch.getSnapshot().status === 'success' && server.connected(), 'loaded')
  const event = (seq: number, type: RecordEvent['type'], recordId: string): RecordEvent => ({
    type,
    seq,
    baseId: BASE,
    tableId: 'tblLikes',
    tableName: 'Likes',
    recordId,
    fields: type === 'record.deleted' ? {} : { n: `${recordId} v${seq}` },
    source: 'webhook',
    at: '2026-01-02T00:00:00.000Z',
  })
  server.send(event(1, 'record.created', 'recB'))
  server.send(event(2, 'record.updated', 'recA'))
  const shown = (): string[] => watch.getSnapshot().records.map((r) => String(r.fields['n']))
  await until(() => shown().length === 2 && shown()[0] === 'recA v2', 'both events applied')
  expect(shown()).toEqual(['recA v2', 'recB v1'])
  server.send(event(3, 'record.deleted', 'recA'))
  await until(() => shown().length === 1, 'the delete applied')
  expect(shown()).toEqual(['recB v1'])
  expect(server.reads()).toEqual([`GET /v0/${BASE}/Likes`])
})

test("a 429's Retry-After is on the error a watched list shows", async () => {
  const server = fakeServer({})
  const client = clientOf(server, false)
  const watch = client.watchList('Likes')
  watch.subscribe(() => undefined)
  await until(() => watch.getSnapshot().status === 'error', 'the refusal shown')
  expect(watch.getSnapshot().error).toMatchObject({ status: 429, retryAfterMs: 3000 })
  expect(server.reads()).toHaveLength(1)
})
