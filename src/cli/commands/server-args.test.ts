import { describe, expect, test } from 'vitest'
import { UsageError } from '../command.ts'
import { PULL_USAGE } from './pull.ts'
import {
  ENV_NAMES,
  ENV_USAGE,
  parsePullConfig,
  parseServeConfig,
  PULL_CONFIG_KEYS,
} from './server-args.ts'

const ENV = {
  AIRTABLE_ACCESS_TOKEN: 'patX.y',
  AIRTABLE_BASE_ID: 'appPresenceDemo01',
  AIRSYNC_SERVICE_KEY: 'svc-0123456789abcdef',
}

describe('server configuration from flags and env', () => {
  test('defaults: Airtable URL, port 8787, data dir, rate limit', () => {
    const config = parseServeConfig([], ENV)
    expect(config).toMatchObject({
      airtableApiUrl: 'https://api.airtable.com',
      port: 8787,
      host: '127.0.0.1',
      dataDir: './.airsync/',
      baseId: 'appPresenceDemo01',
      logLevel: 'info',
      resyncIntervalMs: 0,
    })
    expect(config.databaseUrl).toBeUndefined()
    expect(config.policies).toBeUndefined()
  })

  test('env is read, flags win over env, empty env counts as unset', () => {
    const config = parseServeConfig(['--port', '9000', '--api-url', 'http://127.0.0.1:8788'], {
      ...ENV,
      PORT: '7000',
      AIRTABLE_API_URL: 'http://example.test',
      DATABASE_URL: 'postgres://x@h/db',
      AIRSYNC_JWT_SECRET: '',
      AIRSYNC_DATA_DIR: '/tmp/d',
    })
    expect(config.port).toBe(9000)
    expect(config.airtableApiUrl).toBe('http://127.0.0.1:8788')
    expect(config.databaseUrl).toBe('postgres://x@h/db')
    expect(config.jwtSecret).toBeUndefined()
    expect(config.dataDir).toBe('/tmp/d')
  })

  test.each([
    [{ ...ENV, AIRTABLE_ACCESS_TOKEN: undefined }, /AIRTABLE_ACCESS_TOKEN/],
    [{ ...ENV, AIRTABLE_BASE_ID: 'nope' }, /AIRTABLE_BASE_ID/],
    [{ ...ENV, AIRSYNC_SERVICE_KEY: 'short' }, /AIRSYNC_SERVICE_KEY/],
    [{ ...ENV, PORT: '70000' }, /PORT/],
    [{ ...ENV, AIRSYNC_JWKS_URL: 'not a url' }, /AIRSYNC_JWKS_URL/],
  ])('a bad value names its variable: %#', (env, message) => {
    expect(() => parseServeConfig([], env)).toThrow(UsageError)
    expect(() => parseServeConfig([], env)).toThrow(message)
  })

  test('unknown flags and unreadable policy files are usage errors', () => {
    expect(() => parseServeConfig(['--nope'], ENV)).toThrow(UsageError)
    expect(() => parseServeConfig(['--policies', '/no/such/file.json'], ENV)).toThrow(
      /policies file/,
    )
  })

  test('pull needs no service key', () => {
    const env = { ...ENV, AIRSYNC_SERVICE_KEY: undefined }
    expect(parsePullConfig(['--base', 'appAAAAAAAAAAAAAA'], env)).toMatchObject({
      baseId: 'appAAAAAAAAAAAAAA',
      airtableRatePerSecond: expect.any(Number) as number,
    })
    expect(() => parseServeConfig([], env)).toThrow(/AIRSYNC_SERVICE_KEY/)
  })

  test('pull --help lists the variables pull reads, and only those', () => {
    const listed = [...PULL_USAGE.matchAll(/^ {2}([A-Z][A-Z_]+)\s/gm)].map((m) => m[1])
    expect(listed).toEqual(PULL_CONFIG_KEYS.map((key) => ENV_NAMES[key]))
    expect(PULL_USAGE).toContain('at AIRSYNC_RATE_LIMIT/s instead')
  })

  test('every variable the server reads is in the env usage', () => {
    const missing = Object.values(ENV_NAMES).filter((name) => !ENV_USAGE.includes(name))
    expect(missing).toEqual([])
  })
})
