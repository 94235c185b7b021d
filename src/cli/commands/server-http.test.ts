/**
 * Operator commands against a server that refuses them: the 401 comes with a hint that says which
 * key was sent and where it came from, so an operator outside the checkout knows what to do.
 */
import { createServer, type Server } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { runCli } from '../run.ts'

let server: Server
let url: string
let emptyDir: string

beforeAll(async () => {
  emptyDir = await mkdtemp(path.join(tmpdir(), 'airsync-no-secrets-'))
  server = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' },
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  url = `http://127.0.0.1:${address.port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await rm(emptyDir, { recursive: true, force: true })
})

async function run(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; err: string }> {
  const err: string[] = []
  const code = await runCli(argv, env, {
    out: () => undefined,
    err: (l) => err.push(l),
    redraw: undefined,
  })
  return { code, err: err.join('\n') }
}

test.each(['audit', 'status', 'outbox', 'conflicts'])(
  '%s without a key found says where it looked',
  async (command) => {
    const { code, err } = await run([command, '--url', url], { AIRSYNC_DATA_DIR: emptyDir })
    expect(code).toBe(1)
    expect(err).toContain('HTTP 401')
    expect(err).toContain(
      `no service key found (tried --key, $AIRSYNC_SERVICE_KEY and ${path.join(emptyDir, 'dev-secrets.json')})`,
    )
  },
)

test('a refused key names its source', async () => {
  const { err } = await run(['audit', '--url', url], {
    AIRSYNC_SERVICE_KEY: 'svc-wrong-0123456789',
  })
  expect(err).toContain('the server refused the service key from $AIRSYNC_SERVICE_KEY')
})
