import { describe, expect, test } from 'vitest'
import { createAuthenticator } from '../../policy/index.ts'
import { devSignInRoutes } from './dev-sign-in.ts'

const SECRET = 'dev-sign-in-test-secret-0123456789'
const users = {
  member: { email: 'member@presence.test', sub: 'demo-member' },
  host: { email: 'host@presence.test', sub: 'demo-host' },
  admin: { email: 'ops@presence.test', sub: 'demo-admin' },
}
const app = devSignInRoutes({ secret: SECRET, users })
const post = (body: unknown): Promise<Response> | Response =>
  app.request('/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('POST /v1/dev/sign-in', () => {
  test.each(['member', 'host', 'admin'] as const)(
    'as %s: a token the server accepts',
    async (as) => {
      const res = await post({ as })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { token: string; role: string; email: string }
      expect(body).toMatchObject({ role: as, email: users[as].email })
      const auth = createAuthenticator({ serviceKey: 'x'.repeat(32), jwtSecret: SECRET })
      const principal = await auth.authenticate(`Bearer ${body.token}`)
      expect(principal).toMatchObject({ kind: 'user', sub: users[as].sub, role: as })
    },
  )

  test.each([{}, { as: 'service' }, { as: 'root' }, 'member'])('refuses %j', async (body) => {
    const res = await post(body)
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe(
      'INVALID_REQUEST_UNKNOWN',
    )
  })
})
