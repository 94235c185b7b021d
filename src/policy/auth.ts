/**
 * Bearer-token authentication: the service key (full access) or a user JWT, HS256 with a shared
 * secret or an asymmetric key from a JWKS URL, shaped as Supabase issues them (`sub`, `email`,
 * `role`, custom claims).
 *
 * Invariants: a secret only ever verifies HS256 (alg `none`, other HMACs and RS/ES tokens signed
 * with the secret as a "public key" are refused); `exp` and `nbf` are always checked against the
 * injected clock; the service key is compared in constant time.
 */
import {
  createRemoteJWKSet,
  // jose's option key for a custom fetch is a symbol.
  customFetch as customFetchKey,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose'
import type { JWTPayload, JWTVerifyGetKey } from 'jose'
import { z } from 'zod'
import { systemClock } from '../shared/clock.ts'
import type { Clock } from '../shared/clock.ts'
import { AuthError } from './errors.ts'
import type { AuthFailure } from './errors.ts'
import { ROLES, type Role } from './roles.ts'

/** Who is calling. `claims` holds every verified claim, for `USER_CLAIM("name")` in policies. */
export type Principal =
  | { readonly kind: 'service' }
  | {
      readonly kind: 'user'
      readonly sub: string
      readonly email: string
      readonly role: Role
      readonly claims: Readonly<Record<string, unknown>>
    }

export type UserPrincipal = Extract<Principal, { kind: 'user' }>

/** Supabase's own `role` values mapped to ours; our role names map to themselves. */
export const DEFAULT_ROLE_MAP: Readonly<Record<string, Role>> = {
  member: 'member',
  host: 'host',
  admin: 'admin',
  // Supabase signs every signed-in user's token with role "authenticated"; with no app role
  // claim such a user is an ordinary member.
  authenticated: 'member',
}

export interface AuthenticatorOptions {
  /** `AIRSYNC_SERVICE_KEY`: full access. Must be at least 16 characters. */
  serviceKey: string
  /** `AIRSYNC_JWT_SECRET`: verifies HS256 user tokens. */
  jwtSecret?: string
  /** A JWKS URL (e.g. Supabase's `/auth/v1/.well-known/jwks.json`): verifies asymmetric tokens. */
  jwksUrl?: string
  /** Algorithms accepted from the JWKS. @default ['RS256', 'ES256'] */
  jwksAlgorithms?: readonly ('RS256' | 'ES256' | 'PS256' | 'EdDSA')[]
  /** Expected `aud`, when set (Supabase: `authenticated`). */
  audience?: string
  /** Expected `iss`, when set. */
  issuer?: string
  /**
   * Claims read for the app role, first present wins. Supabase's `role` is always
   * "authenticated", so apps add a custom claim through an access-token hook; its name varies
   * between projects, hence configurable. @default ['app_role', 'user_role', 'role']
   */
  roleClaims?: readonly string[]
  /** Claim values mapped to our roles; unmapped values are refused. @default DEFAULT_ROLE_MAP */
  roleMap?: Readonly<Record<string, Role>>
  /** Leeway for `exp`/`nbf` in seconds, for skew between clocks. @default 5 */
  clockToleranceSeconds?: number
  /**
   * The longest a user token may live: one without `exp`, or whose `exp` lies further than this
   * after its `iat` or after now, is refused (a stolen token must expire). @default 86400 (24 h)
   */
  maxTokenLifetimeSeconds?: number
  /** @default systemClock */
  clock?: Clock
  /** Fetch used for the JWKS (tests, edge runtimes). @default globalThis.fetch */
  fetch?: typeof fetch
}

export interface Authenticator {
  /** Resolves the `Authorization` header to a principal, or throws {@link AuthError}. */
  authenticate(authorizationHeader: string | null | undefined): Promise<Principal>
}

const optionsSchema = z.object({
  serviceKey: z.string().min(16, 'serviceKey must be at least 16 characters'),
  jwtSecret: z.string().min(16, 'jwtSecret must be at least 16 characters').optional(),
  jwksUrl: z.url().optional(),
  clockToleranceSeconds: z.number().min(0).max(300).optional(),
  maxTokenLifetimeSeconds: z.number().positive().optional(),
})

/** The default of {@link AuthenticatorOptions.maxTokenLifetimeSeconds}: 24 h. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86_400

const userClaimsSchema = z.looseObject({
  sub: z.string().min(1),
  email: z.string().min(1),
})

const BEARER = /^Bearer +([^\s]+) *$/i
const ROLE_CLAIMS_DEFAULT = ['app_role', 'user_role', 'role'] as const

/**
 * Creates the authenticator the API calls on every request.
 * @example
 * const auth = createAuthenticator({ serviceKey, jwtSecret })
 * const principal = await auth.authenticate(c.req.header('authorization'))
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  optionsSchema.parse(options)
  const clock = options.clock ?? systemClock
  const serviceKeyBytes = new TextEncoder().encode(options.serviceKey)
  const secret =
    options.jwtSecret === undefined ? undefined : new TextEncoder().encode(options.jwtSecret)
  const jwks =
    options.jwksUrl === undefined
      ? undefined
      : createRemoteJWKSet(
          new URL(options.jwksUrl),
          options.fetch === undefined ? {} : { [customFetchKey]: options.fetch },
        )
  const roleClaims = options.roleClaims ?? ROLE_CLAIMS_DEFAULT
  const roleMap = options.roleMap ?? DEFAULT_ROLE_MAP

  async function verify(token: string): Promise<JWTPayload> {
    const common = {
      clockTolerance: options.clockToleranceSeconds ?? 5,
      currentDate: new Date(clock.now()),
      requiredClaims: ['sub', 'exp'],
      ...(options.audience === undefined ? {} : { audience: options.audience }),
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    }
    const alg = headerAlg(token)
    try {
      if (alg === 'HS256') {
        if (secret === undefined) throw new AuthError({ reason: 'not-configured' })
        return (await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] })).payload
      }
      if (jwks === undefined) throw new AuthError({ reason: 'algorithm' })
      const algorithms = [...(options.jwksAlgorithms ?? ['RS256', 'ES256'])]
      const getKey: JWTVerifyGetKey = jwks
      return (await jwtVerify(token, getKey, { ...common, algorithms })).payload
    } catch (error) {
      throw toAuthError(error)
    }
  }

  return {
    async authenticate(header) {
      const token = bearerToken(header)
      if (await constantTimeEqual(new TextEncoder().encode(token), serviceKeyBytes)) {
        return { kind: 'service' }
      }
      const payload = await verify(token)
      checkLifetime(payload, {
        nowSeconds: clock.now() / 1000,
        maxSeconds: options.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
        toleranceSeconds: options.clockToleranceSeconds ?? 5,
      })
      return toPrincipal(payload, { roleClaims, roleMap })
    },
  }
}

/** Refuses a token that lives longer than allowed, counted from `iat` and from now. */
function checkLifetime(
  payload: JWTPayload,
  limit: { nowSeconds: number; maxSeconds: number; toleranceSeconds: number },
): void {
  const { exp, iat } = payload
  if (exp === undefined) throw new AuthError({ reason: 'lifetime' })
  const fromNow = exp - limit.nowSeconds - limit.toleranceSeconds
  const fromIssue = iat === undefined ? 0 : exp - iat
  if (fromNow > limit.maxSeconds || fromIssue > limit.maxSeconds) {
    throw new AuthError({ reason: 'lifetime' })
  }
}

function bearerToken(header: string | null | undefined): string {
  if (header === undefined || header === null || header === '') {
    throw new AuthError({ reason: 'missing' })
  }
  const match = BEARER.exec(header)
  if (match?.[1] === undefined) throw new AuthError({ reason: 'malformed' })
  return match[1]
}

/** The `alg` of a compact JWS, read without trusting it: it only picks which key may verify. */
function headerAlg(token: string): string {
  const [head] = token.split('.')
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(base64UrlDecode(head ?? '')))
    const parsed = z.object({ alg: z.string() }).safeParse(json)
    if (!parsed.success) throw new AuthError({ reason: 'malformed' })
    return parsed.data.alg
  } catch (error) {
    if (error instanceof AuthError) throw error
    throw new AuthError({ reason: 'malformed', cause: error })
  }
}

function base64UrlDecode(text: string): Uint8Array {
  const base64 = text.replaceAll('-', '+').replaceAll('_', '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

function toPrincipal(
  payload: JWTPayload,
  config: { roleClaims: readonly string[]; roleMap: Readonly<Record<string, Role>> },
): Principal {
  const parsed = userClaimsSchema.safeParse(payload)
  if (!parsed.success) throw new AuthError({ reason: 'claims', cause: parsed.error })
  const role = roleOf(payload, config)
  return {
    kind: 'user',
    sub: parsed.data.sub,
    email: parsed.data.email,
    role,
    claims: Object.freeze({ ...payload }),
  }
}

function roleOf(
  payload: JWTPayload,
  config: { roleClaims: readonly string[]; roleMap: Readonly<Record<string, Role>> },
): Role {
  for (const claim of config.roleClaims) {
    const value = payload[claim]
    if (typeof value !== 'string' || value === '') continue
    // Own-property lookup only: a claim such as "__proto__" or "toString" must not map.
    if (!Object.hasOwn(config.roleMap, value)) break
    const role = config.roleMap[value]
    if (role !== undefined && (ROLES as readonly string[]).includes(role)) return role
    break
  }
  throw new AuthError({ reason: 'role' })
}

function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error
  // Not jose's own error: the JWKS could not be fetched (network, DNS, HTTP error).
  if (!(error instanceof joseErrors.JOSEError))
    return new AuthError({ reason: 'jwks', cause: error })
  return new AuthError({ reason: joseFailure(error), cause: error })
}

function joseFailure(error: InstanceType<typeof joseErrors.JOSEError>): AuthFailure {
  if (error instanceof joseErrors.JWTExpired) return 'expired'
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return error.claim === 'nbf' ? 'not-yet-valid' : 'claims'
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm'
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'invalid-signature'
  if (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys
  ) {
    return 'jwks'
  }
  return 'malformed'
}

/**
 * Compares two byte strings in time independent of where they differ: both are hashed to 32
 * bytes first, so neither the length nor the content of the key leaks through timing.
 */
async function constantTimeEqual(a: Uint8Array, b: Uint8Array): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest('SHA-256', a as Uint8Array<ArrayBuffer>),
    crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>),
  ])
  const x = new Uint8Array(ha)
  const y = new Uint8Array(hb)
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0)
  return diff === 0
}

export interface DevTokenOptions {
  /** The HS256 secret (`AIRSYNC_JWT_SECRET`). */
  secret: string
  sub: string
  email: string
  /** Written to the `app_role` claim; `role` is "authenticated" as Supabase writes it. */
  role: Role
  /** @default 3600 */
  ttlSeconds?: number
  /** @default systemClock */
  clock?: Clock
  /** Extra claims, e.g. for `USER_CLAIM("name")` policies. */
  extraClaims?: Readonly<Record<string, unknown>>
}

/**
 * Signs a Supabase-shaped HS256 token for the demo sign-in and tests. Not a login system: the
 * caller decides who the user is.
 */
export async function issueDevToken(options: DevTokenOptions): Promise<string> {
  const nowSeconds = Math.floor((options.clock ?? systemClock).now() / 1000)
  return new SignJWT({
    ...options.extraClaims,
    email: options.email,
    role: 'authenticated',
    app_role: options.role,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + (options.ttlSeconds ?? 3600))
    .sign(new TextEncoder().encode(options.secret))
}
