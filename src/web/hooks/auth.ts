/**
 * Who is signed in, and where their token comes from. Two sources, never the Airtable token or
 * the service key:
 *
 * - Production (Presence embedded in its host app): the host app defines
 *   `window.presenceAuth = { getToken(): Promise<string> }` before the bundle loads, returning
 *   the user's Supabase-style JWT (`sub`, `email`, and the role in `app_role`, `user_role` or
 *   `role`). It is asked again for each request, so the host app refreshes tokens as it likes.
 * - Development (`airsync start`): the demo sign-in page posts `{as}` to `/v1/dev/sign-in` and
 *   keeps the returned token in localStorage until it expires or the user signs out.
 *
 * The role and email shown are read from the token's claims; the server verifies the token, so
 * a forged claim only changes what the page shows, never what the server returns.
 */

/** The host app's hook (see the module header). */
export interface PresenceAuthHook {
  getToken(): string | Promise<string>
}

declare global {
  interface Window {
    presenceAuth?: PresenceAuthHook
  }
}

/** The roles the app has pages for. */
export type AppRole = 'member' | 'host' | 'admin'

/** A signed-in user. */
export interface AuthSession {
  readonly role: AppRole
  readonly email: string
  readonly sub: string
  /** Where the token comes from. */
  readonly source: 'host-app' | 'dev'
  /** Resolves a current token. */
  readonly getToken: () => Promise<string>
}

const STORAGE_KEY = 'presence.dev-session'
const ROLE_CLAIMS = ['app_role', 'user_role', 'role'] as const

/** The payload of a JWT (unverified: the server verifies). */
export function decodeClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1]
  if (part === undefined) return {}
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/')
    const json = decodeURIComponent(
      Array.from(atob(base64), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    )
    const value: unknown = JSON.parse(json)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** The app role a token's claims name, defaulting to member. */
export function roleOf(claims: Record<string, unknown>): AppRole {
  for (const key of ROLE_CLAIMS) {
    const value = claims[key]
    if (value === 'member' || value === 'host' || value === 'admin') return value
  }
  return 'member'
}

function sessionFrom(token: string, source: AuthSession['source']): AuthSession | undefined {
  const claims = decodeClaims(token)
  const exp = typeof claims['exp'] === 'number' ? claims['exp'] * 1000 : Infinity
  if (exp <= Date.now()) return undefined
  return {
    role: roleOf(claims),
    email: typeof claims['email'] === 'string' ? claims['email'] : '',
    sub: typeof claims['sub'] === 'string' ? claims['sub'] : '',
    source,
    getToken: () => Promise.resolve(token),
  }
}

/** The session from the host app's hook, when it defines one. */
export async function hostAppSession(): Promise<AuthSession | undefined> {
  const hook = window.presenceAuth
  if (hook === undefined) return undefined
  const token = await hook.getToken()
  const session = sessionFrom(token, 'host-app')
  return session && { ...session, getToken: async () => hook.getToken() }
}

/** The stored dev session, unless expired. */
export function storedDevSession(): AuthSession | undefined {
  const token = localStorage.getItem(STORAGE_KEY)
  return token === null ? undefined : sessionFrom(token, 'dev')
}

/** Signs in as a demo user through the server's dev endpoint. */
export async function signInDemo(apiUrl: string, role: AppRole): Promise<AuthSession> {
  const response = await fetch(`${apiUrl}/v1/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ as: role }),
  })
  if (response.status === 404) {
    throw new Error('Demo sign-in is off on this server: sign in through the Presence app.')
  }
  if (!response.ok) throw new Error(`Sign-in failed (${response.status})`)
  const body = (await response.json()) as { token?: unknown }
  if (typeof body.token !== 'string') throw new Error('Sign-in answered without a token')
  const session = sessionFrom(body.token, 'dev')
  if (session === undefined) throw new Error('Sign-in answered with an expired token')
  localStorage.setItem(STORAGE_KEY, body.token)
  return session
}

/** Forgets the dev session. */
export function signOut(): void {
  localStorage.removeItem(STORAGE_KEY)
}
