/**
 * `POST /v1/dev/sign-in` (issue 7, development only): `{ "as": "member" | "host" | "admin" }` →
 * `{ token, role, email, expiresAt }`, an HS256 user token for the demo account of that role, so
 * the PWA's demo sign-in page needs no login system. Mounted only when the server runs with
 * `devSignIn` (set by `airsync start`, never by `airsync serve` unless asked): anyone who can
 * reach it becomes any demo user.
 *
 * It needs no bearer token (it is how the browser gets one), so it is mounted before the `/v1`
 * authentication. Errors leave in Airtable's envelope.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { issueDevToken } from '../../policy/index.ts'
import { errorBody } from '../../protocol/index.ts'

/** The demo roles the sign-in offers. */
export const DEV_SIGN_IN_ROLES = ['member', 'host', 'admin'] as const
/** A demo role. */
export type DevSignInRole = (typeof DEV_SIGN_IN_ROLES)[number]

/** Options of {@link devSignInRoutes}. */
export interface DevSignInOptions {
  /** The HS256 secret the server verifies user tokens with. */
  secret: string
  /** The demo account of each role. */
  users: Readonly<Record<DevSignInRole, { email: string; sub: string }>>
  /** Token lifetime. @default 86_400 (a day) */
  ttlSeconds?: number
}

const bodySchema = z.object({ as: z.enum(DEV_SIGN_IN_ROLES) })

/** The sign-in route, mounted under `/v1/dev`. */
export function devSignInRoutes(options: DevSignInOptions): Hono {
  const app = new Hono()
  const ttlSeconds = options.ttlSeconds ?? 86_400
  app.post('/sign-in', async (c) => {
    const parsed = bodySchema.safeParse(await c.req.json().catch(() => undefined))
    if (!parsed.success) {
      const roles = DEV_SIGN_IN_ROLES.join(', ')
      return c.json(errorBody('INVALID_REQUEST_UNKNOWN', `Send {"as": one of ${roles}}`), 422)
    }
    const role = parsed.data.as
    const user = options.users[role]
    const token = await issueDevToken({
      secret: options.secret,
      sub: user.sub,
      email: user.email,
      role,
      ttlSeconds,
    })
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000).toISOString()
    return c.json({ token, role, email: user.email, expiresAt })
  })
  return app
}
