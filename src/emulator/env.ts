/**
 * The Hono environment shared by the emulator's middleware and routes.
 */
import type { IncomingMessage } from 'node:http'
import type { RequestClass } from './classify.ts'
import type { Collaborator } from './state/types.ts'

/** Per-request values set by middleware. */
export interface EmulatorVariables {
  /** What the request is (endpoint kind, base), from method and path. */
  requestClass: RequestClass
  /** The bearer token, once authenticated. */
  token: string
  /** The user behind the token. */
  user: Collaborator
  /** True when the answer is an injected fault (stats, tests). */
  injected: boolean
}

/** Node bindings from @hono/node-server; absent under `app.request()`. */
export interface EmulatorBindings {
  incoming?: IncomingMessage
}

export interface EmulatorEnv {
  Variables: EmulatorVariables
  Bindings: EmulatorBindings
}

/** The Node request, when served by the Node listener (`c.env` is undefined under app.request). */
export function incomingOf(env: EmulatorBindings | undefined): IncomingMessage | undefined {
  return env?.incoming
}
