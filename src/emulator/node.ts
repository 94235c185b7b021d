/**
 * The Node listener adapter: serves a fetch handler on a port (0 = any free port) and returns its
 * URL and a `close()` that also drops open connections (hanging requests included).
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createAdaptorServer, type HttpBindings } from '@hono/node-server'

export interface ListenOptions {
  /** The handler; Hono's `app.fetch`. */
  fetch: (request: Request, env: HttpBindings) => Response | Promise<Response>
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
    fetch: options.fetch as (request: Request, env: unknown) => Response | Promise<Response>,
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
  const urlHost = host.includes(':') ? `[${host}]` : host
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closing
  }
  return { url: `http://${urlHost}:${port}`, port, close, [Symbol.asyncDispose]: close }
}
