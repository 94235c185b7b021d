/**
 * A real HTTP server on port 0 for the client's tests (STYLE habit 18: no mocked fetch). Each
 * request is recorded and answered by a script: a JSON reply, a hang (no answer until the server
 * closes) or a connection reset.
 */
import { serve, type HttpBindings } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { Hono } from 'hono'

/** A request as the server saw it. */
export interface SeenRequest {
  method: string
  path: string
  query: URLSearchParams
  /** Parsed JSON body, or undefined. */
  body: unknown
  headers: Headers
  /** Full URL length as sent. */
  urlLength: number
}

/** How to answer one request. */
export type Reply =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string> }
  | { hang: true }
  | { reset: true }

/** Decides the reply to the `index`-th request (0-based). */
export type Script = (request: SeenRequest, index: number) => Reply

export interface TestServer {
  url: string
  requests: SeenRequest[]
  close(): Promise<void>
}

/** Starts a server answering by `script`. */
export async function startTestServer(script: Script): Promise<TestServer> {
  const requests: SeenRequest[] = []
  let release: () => void = () => undefined
  const closed = new Promise<void>((resolve) => (release = resolve))
  const app = new Hono<{ Bindings: HttpBindings }>()
  app.all('*', async (c) => {
    const url = new URL(c.req.url)
    const raw = await c.req.text()
    const seen: SeenRequest = {
      method: c.req.method,
      path: url.pathname,
      query: url.searchParams,
      body: raw === '' ? undefined : (JSON.parse(raw) as unknown),
      headers: c.req.raw.headers,
      urlLength: url.pathname.length + url.search.length,
    }
    requests.push(seen)
    const reply = script(seen, requests.length - 1)
    if ('hang' in reply) {
      await closed
      return c.body(null, 204)
    }
    if ('reset' in reply) {
      c.env.incoming.socket.destroy()
      await closed
      return c.body(null, 204)
    }
    const headers = { 'content-type': 'application/json; charset=utf-8', ...reply.headers }
    const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json))
    return new Response(body === '' ? null : body, { status: reply.status ?? 200, headers })
  })
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      release()
      await new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections()
        server.close(() => resolve())
      })
    },
  }
}
