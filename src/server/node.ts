/**
 * The Node listener adapter (STYLE habit 3): serves a fetch handler on a port (0 = any free port);
 * `close()` stops accepting, then drops open connections (long-lived streams included).
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'

/** Options of {@link listen}. */
export interface ListenOptions {
  /** The handler; Hono's `app.fetch` (`env` carries the Node request, e.g. its socket). */
  fetch: (request: Request, env: unknown) => Response | Promise<Response>
  /** 0 picks a free port. @default 0 */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
}

/** A running listener. */
export interface Listener extends AsyncDisposable {
  /** `http://host:port`, no trailing slash. */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/** Starts listening; resolves once the port is bound. */
export async function listen(options: ListenOptions): Promise<Listener> {
  const host = options.host ?? '127.0.0.1'
  const server = createAdaptorServer({
    fetch: (request: Request, env: unknown) => options.fetch(request, env),
    hostname: host,
  }) as Server
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  const urlHost = shown.includes(':') ? `[${shown}]` : shown
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeIdleConnections()
      // In-flight reads finish within a moment; streams never do, so they are cut.
      setTimeout(() => server.closeAllConnections(), 1_000).unref()
    })
    return closing
  }
  return { url: `http://${urlHost}:${port}`, port, close, [Symbol.asyncDispose]: close }
}
