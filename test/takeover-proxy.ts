/**
 * A recording proxy in front of the emulator, one per airsync server, so a test can tell which
 * server sent which request to "Airtable" and when. Real HTTP both ways: the proxy forwards each
 * request with fetch and logs method, path, start and end (epoch ms).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/** One forwarded request. */
export interface ProxiedRequest {
  method: string
  path: string
  startMs: number
  endMs: number
  status: number
}

/** A listening proxy and what went through it. */
export interface RecordingProxy extends AsyncDisposable {
  readonly url: string
  readonly log: readonly ProxiedRequest[]
  close(): Promise<void>
}

/** Forwards everything to `target` (an emulator URL) and records it. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const log: ProxiedRequest[] = []
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startMs = Date.now()
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'connection') {
        headers.set(name, value)
      }
    }
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    try {
      const response = await fetch(`${target}${path}`, {
        method,
        headers,
        ...(chunks.length > 0 && { body: Buffer.concat(chunks) }),
      })
      const body = Buffer.from(await response.arrayBuffer())
      log.push({ method, path, startMs, endMs: Date.now(), status: response.status })
      res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? '' })
      res.end(body)
    } catch {
      log.push({ method, path, startMs, endMs: Date.now(), status: 0 })
      res.destroy()
    }
  }
  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return { url: `http://127.0.0.1:${port}`, log, close, [Symbol.asyncDispose]: close }
}

/** True for a record write (create, update, delete), not webhooks or metadata. */
export function isRecordWrite(request: ProxiedRequest): boolean {
  return request.method !== 'GET' && /^\/v0\/app[A-Za-z0-9]{14}\//.test(request.path)
}
