import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { Hono } from 'hono'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { CryptoKey } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ManualClock } from '../shared/clock.ts'
import { createAuthenticator, issueDevToken } from './auth.ts'
import type { AuthenticatorOptions } from './auth.ts'
import { AuthError } from './errors.ts'
import type { AuthFailure } from './errors.ts'

const SERVICE_KEY = 'service-key-0123456789abcdef'
const SECRET = 'jwt-secret-0123456789abcdef-0123456789'
const clock = new ManualClock(Date.UTC(2026, 0, 1))
const nowSeconds = (): number => Math.floor(clock.now() / 1000)

const auth = createAuthenticator({ serviceKey: SERVICE_KEY, jwtSecret: SECRET, clock })

async function hs256(
  claims: Record<string, unknown>,
  init: { secret?: string; expIn?: number; nbfIn?: number } = {},
) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(nowSeconds())
  jwt.setExpirationTime(nowSeconds() + (init.expIn ?? 600))
  if (init.nbfIn !== undefined) jwt.setNotBefore(nowSeconds() + init.nbfIn)
  return jwt.sign(new TextEncoder().encode(init.secret ?? SECRET))
}

const MEMBER = { sub: 'user-1', email: 'member@presence.test', role: 'authenticated' }

async function failure(promise: Promise<unknown>): Promise<AuthFailure> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AuthError)
  const authError = error as AuthError
  expect(authError.status).toBe(401)
  expect(authError.type).toBe('AUTHENTICATION_REQUIRED')
  return authError.reason
}

describe('service key', () => {
  test('the exact key is the service principal', async () => {
    await expect(auth.authenticate(`Bearer ${SERVICE_KEY}`)).resolves.toEqual({ kind: 'service' })
    await expect(auth.authenticate(`bearer ${SERVICE_KEY}`)).resolves.toEqual({ kind: 'service' })
  })

  test.each([
    ['a prefix of the key', `Bearer ${SERVICE_KEY.slice(0, -1)}`, 'malformed'],
    ['the key with its last character changed', `Bearer ${SERVICE_KEY.slice(0, -1)}g`, 'malformed'],
    ['the key in upper case', `Bearer ${SERVICE_KEY.toUpperCase()}`, 'malformed'],
    ['the key plus a character', `Bearer ${SERVICE_KEY}x`, 'malformed'],
    ['no header', undefined, 'missing'],
    ['an empty header', '', 'missing'],
    ['no Bearer scheme', SERVICE_KEY, 'malformed'],
    ['Basic scheme', `Basic ${SERVICE_KEY}`, 'malformed'],
  ] as const)('%s is refused', async (_name, header, reason) => {
    expect(await failure(auth.authenticate(header))).toBe(reason)
  })

  test('a short service key is a configuration error', () => {
    expect(() => createAuthenticator({ serviceKey: 'short' })).toThrow(/serviceKey/)
  })
})

describe('HS256 user tokens', () => {
  test('a valid token gives the user principal with all claims', async () => {
    const token = await hs256({ ...MEMBER, app_role: 'host', plan: 'gold' })
    const principal = await auth.authenticate(`Bearer ${token}`)
    expect(principal).toMatchObject({
      kind: 'user',
      sub: 'user-1',
      email: 'member@presence.test',
      role: 'host',
    })
    expect(principal.kind === 'user' && principal.claims['plan']).toBe('gold')
  })

  test('issueDevToken makes a token the authenticator accepts', async () => {
    const token = await issueDevToken({
      secret: SECRET,
      sub: 'admin-1',
      email: 'admin@presence.test',
      role: 'admin',
      ttlSeconds: 60,
      clock,
    })
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({
      role: 'admin',
      sub: 'admin-1',
    })
  })

  test.each([
    ['app_role wins over role', { app_role: 'admin', role: 'authenticated' }, 'admin'],
    ['user_role when no app_role', { user_role: 'host', role: 'authenticated' }, 'host'],
    ['Supabase "authenticated" alone is a member', { role: 'authenticated' }, 'member'],
  ] as const)('role: %s', async (_name, claims, role) => {
    const token = await hs256({ sub: 's', email: 'e@x.test', ...claims })
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ role })
  })

  test('the role claims and role map are configurable', async () => {
    const custom = createAuthenticator({
      serviceKey: SERVICE_KEY,
      jwtSecret: SECRET,
      clock,
      roleClaims: ['https://presence.app/role'],
      roleMap: { ops: 'admin' },
    })
    const token = await hs256({
      sub: 's',
      email: 'e@x.test',
      'https://presence.app/role': 'ops',
      role: 'authenticated',
    })
    await expect(custom.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ role: 'admin' })
    const plain = await hs256({ ...MEMBER })
    expect(await failure(custom.authenticate(`Bearer ${plain}`))).toBe('role')
  })

  test.each([
    ['anon', { role: 'anon' }],
    ['service_role (not mapped by default)', { role: 'service_role' }],
    ['an unknown app role', { app_role: 'superuser', role: 'authenticated' }],
    ['a prototype key as role', { app_role: '__proto__' }],
    ['toString as role', { role: 'toString' }],
    ['no role at all', {}],
  ] as const)('refused role: %s', async (_name, claims) => {
    const token = await hs256({ sub: 's', email: 'e@x.test', ...claims })
    expect(await failure(auth.authenticate(`Bearer ${token}`))).toBe('role')
  })

  test('an expired token is refused, within the clock tolerance it is not', async () => {
    const token = await hs256(MEMBER, { expIn: 60 })
    const at = new ManualClock(clock.now() + 63_000)
    const later = createAuthenticator({ serviceKey: SERVICE_KEY, jwtSecret: SECRET, clock: at })
    await expect(later.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ kind: 'user' })
    at.advance(5_000)
    expect(await failure(later.authenticate(`Bearer ${token}`))).toBe('expired')
  })

  test('a token not yet valid (nbf) is refused', async () => {
    const token = await hs256(MEMBER, { nbfIn: 120 })
    expect(await failure(auth.authenticate(`Bearer ${token}`))).toBe('not-yet-valid')
  })

  test('a token signed with another secret is refused', async () => {
    const token = await hs256(MEMBER, { secret: 'another-secret-0123456789abcdef' })
    expect(await failure(auth.authenticate(`Bearer ${token}`))).toBe('invalid-signature')
  })

  test('a forged payload (signature of another payload) is refused', async () => {
    const token = await hs256(MEMBER)
    const admin = await hs256({ ...MEMBER, app_role: 'admin' })
    const [head, , sig] = token.split('.')
    const [, adminPayload] = admin.split('.')
    const forged = `${head}.${adminPayload}.${sig}`
    expect(await failure(auth.authenticate(`Bearer ${forged}`))).toBe('invalid-signature')
  })

  test('alg none is refused', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...MEMBER, exp: nowSeconds() + 600 })}.`
    expect(await failure(auth.authenticate(`Bearer ${unsigned}`))).toBe('algorithm')
  })

  test('HS512 with the right secret is refused (HS256 only)', async () => {
    const token = await new SignJWT(MEMBER)
      .setProtectedHeader({ alg: 'HS512' })
      .setExpirationTime(nowSeconds() + 600)
      .sign(new TextEncoder().encode(SECRET))
    expect(await failure(auth.authenticate(`Bearer ${token}`))).toBe('algorithm')
  })

  test.each([
    ['sub', { email: 'e@x.test', role: 'authenticated' }],
    ['email', { sub: 's', role: 'authenticated' }],
    ['an empty email', { sub: 's', email: '', role: 'authenticated' }],
  ] as const)('a token missing %s is refused', async (_name, claims) => {
    const token = await hs256(claims)
    expect(await failure(auth.authenticate(`Bearer ${token}`))).toBe('claims')
  })

  test('a token without exp is refused, however well signed', async () => {
    const token = await new SignJWT(MEMBER)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET))
    expect(await failure(auth.authenticate(`Bearer ${token}`))).toBe('claims')
  })

  test.each([
    ['exp 25 h after iat', { iatIn: 0, expIn: 25 * 3600 }, 'lifetime'],
    ['exp 25 h from now, no iat', { expIn: 25 * 3600 }, 'lifetime'],
    ['issued an hour ago for 24 h 30 min', { iatIn: -3600, expIn: 23.5 * 3600 }, 'lifetime'],
    ['exp 24 h after iat', { iatIn: 0, expIn: 24 * 3600 }, undefined],
  ] as const)('a token whose %s: %s', async (_name, times, reason) => {
    const jwt = new SignJWT(MEMBER).setProtectedHeader({ alg: 'HS256' })
    if ('iatIn' in times) jwt.setIssuedAt(nowSeconds() + times.iatIn)
    jwt.setExpirationTime(nowSeconds() + times.expIn)
    const token = await jwt.sign(new TextEncoder().encode(SECRET))
    if (reason === undefined) {
      await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ kind: 'user' })
    } else expect(await failure(auth.authenticate(`Bearer ${token}`))).toBe(reason)
  })

  test('the maximum lifetime is configurable; dev tokens fit the default', async () => {
    const short = createAuthenticator({
      serviceKey: SERVICE_KEY,
      jwtSecret: SECRET,
      clock,
      maxTokenLifetimeSeconds: 600,
    })
    const hour = await issueDevToken({
      secret: SECRET,
      sub: 's',
      email: 'e@x',
      role: 'member',
      clock,
    })
    expect(await failure(short.authenticate(`Bearer ${hour}`))).toBe('lifetime')
    await expect(auth.authenticate(`Bearer ${hour}`)).resolves.toMatchObject({ kind: 'user' })
    const day = await issueDevToken({
      secret: SECRET,
      sub: 's',
      email: 'e@x',
      role: 'member',
      clock,
      ttlSeconds: 86_400,
    })
    await expect(auth.authenticate(`Bearer ${day}`)).resolves.toMatchObject({ kind: 'user' })
  })

  test.each(['garbage', 'a.b.c', '....', 'eyJhbGciOiJIUzI1NiJ9.e30'])(
    'malformed token %s is refused',
    async (token) => {
      const reason = await failure(auth.authenticate(`Bearer ${token}`))
      expect(['malformed', 'invalid-signature']).toContain(reason)
    },
  )

  test('a JWT is refused when no secret and no JWKS are configured', async () => {
    const keyOnly = createAuthenticator({ serviceKey: SERVICE_KEY, clock })
    const token = await hs256(MEMBER)
    expect(await failure(keyOnly.authenticate(`Bearer ${token}`))).toBe('not-configured')
  })

  test('audience and issuer are checked when configured', async () => {
    const strict = createAuthenticator({
      serviceKey: SERVICE_KEY,
      jwtSecret: SECRET,
      clock,
      audience: 'authenticated',
      issuer: 'https://x.supabase.co/auth/v1',
    })
    const good = await hs256({
      ...MEMBER,
      aud: 'authenticated',
      iss: 'https://x.supabase.co/auth/v1',
    })
    await expect(strict.authenticate(`Bearer ${good}`)).resolves.toMatchObject({ kind: 'user' })
    const wrongAud = await hs256({ ...MEMBER, aud: 'anon', iss: 'https://x.supabase.co/auth/v1' })
    expect(await failure(strict.authenticate(`Bearer ${wrongAud}`))).toBe('claims')
  })
})

describe('JWKS user tokens (a real JWKS server on port 0)', () => {
  let url = ''
  let close: () => void = () => undefined
  let keys: Awaited<ReturnType<typeof generateKeyPair>>
  let otherKeys: Awaited<ReturnType<typeof generateKeyPair>>

  beforeAll(async () => {
    keys = await generateKeyPair('ES256')
    otherKeys = await generateKeyPair('ES256')
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
    const app = new Hono().get('/.well-known/jwks.json', (c) => c.json({ keys: [jwk] }))
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`
    close = () => server.close()
  })
  afterAll(() => close())

  const jwksAuth = (extra: Partial<AuthenticatorOptions> = {}) =>
    createAuthenticator({ serviceKey: SERVICE_KEY, jwksUrl: url, clock, ...extra })

  const es256 = (key: CryptoKey, kid = 'k1') =>
    new SignJWT({ ...MEMBER, app_role: 'member' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setExpirationTime(nowSeconds() + 600)
      .sign(key)

  test('a token signed by the JWKS key is accepted', async () => {
    const token = await es256(keys.privateKey)
    await expect(jwksAuth().authenticate(`Bearer ${token}`)).resolves.toMatchObject({
      kind: 'user',
      role: 'member',
    })
  })

  test('a token signed by another key with the same kid is refused', async () => {
    const token = await es256(otherKeys.privateKey)
    expect(await failure(jwksAuth().authenticate(`Bearer ${token}`))).toBe('invalid-signature')
  })

  test('a token naming an unknown kid is refused', async () => {
    const token = await es256(keys.privateKey, 'k2')
    expect(await failure(jwksAuth().authenticate(`Bearer ${token}`))).toBe('jwks')
  })

  test('an algorithm outside jwksAlgorithms is refused', async () => {
    const token = await es256(keys.privateKey)
    expect(
      await failure(jwksAuth({ jwksAlgorithms: ['RS256'] }).authenticate(`Bearer ${token}`)),
    ).toBe('algorithm')
  })

  test('HS256 tokens are not verified against the JWKS when no secret is set', async () => {
    const token = await hs256(MEMBER)
    expect(await failure(jwksAuth().authenticate(`Bearer ${token}`))).toBe('not-configured')
  })

  test('an unreachable JWKS refuses the token (401, reason jwks)', async () => {
    const app = new Hono()
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    const port = (server.address() as AddressInfo).port
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const gone = createAuthenticator({
      serviceKey: SERVICE_KEY,
      jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
      clock,
    })
    const token = await es256(keys.privateKey)
    expect(await failure(gone.authenticate(`Bearer ${token}`))).toBe('jwks')
  })

  test('with both configured, each token goes to its own key', async () => {
    const both = jwksAuth({ jwtSecret: SECRET })
    await expect(both.authenticate(`Bearer ${await hs256(MEMBER)}`)).resolves.toMatchObject({
      kind: 'user',
    })
    await expect(
      both.authenticate(`Bearer ${await es256(keys.privateKey)}`),
    ).resolves.toMatchObject({ kind: 'user' })
  })
})
