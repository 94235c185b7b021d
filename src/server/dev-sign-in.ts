/**
 * The demo accounts behind `POST /v1/dev/sign-in` (src/api/v1/dev-sign-in.ts): the Presence
 * seed's demo member and host and the emulator's ops user as admin. Their `sub`s match the
 * tokens `airsync start` prints, so both kinds of token name the same user.
 */
import type { DevSignInOptions } from '../api/index.ts'
import { DEFAULT_UI_USER, DEMO_HOST_EMAIL, DEMO_MEMBER_EMAIL } from '../emulator/index.ts'

/** The demo account of each role. */
export type DevUsers = DevSignInOptions['users']

/** The Presence demo accounts. */
export const PRESENCE_DEV_USERS: DevUsers = {
  member: { email: DEMO_MEMBER_EMAIL, sub: 'demo-member' },
  host: { email: DEMO_HOST_EMAIL, sub: 'demo-host' },
  admin: { email: DEFAULT_UI_USER.email ?? 'ops@presence.test', sub: 'demo-admin' },
}

/** The API's dev sign-in options, or undefined when off; on without a JWT secret is an error. */
export function devSignInOptions(config: {
  devSignIn: boolean
  jwtSecret?: string | undefined
  devUsers?: DevUsers | undefined
  /** Demo tokens live this long, so the authenticator's maximum admits them. */
  jwtMaxLifetimeSeconds?: number | undefined
}): DevSignInOptions | undefined {
  if (!config.devSignIn) return undefined
  if (config.jwtSecret === undefined) {
    throw new Error('devSignIn needs jwtSecret (AIRSYNC_JWT_SECRET) to sign demo tokens')
  }
  return {
    secret: config.jwtSecret,
    users: config.devUsers ?? PRESENCE_DEV_USERS,
    ...(config.jwtMaxLifetimeSeconds !== undefined && {
      ttlSeconds: Math.min(86_400, config.jwtMaxLifetimeSeconds),
    }),
  }
}
