import { describe, expect, test } from 'vitest'
import { UsageError } from '../command.ts'
import { parseEmulatorArgs } from './emulator-args.ts'

const gen = () => 'patGenerated00001.ff'

describe('airsync emulator flags', () => {
  test('defaults: port 8788, localhost, Airtable limits, no faults, generated token', () => {
    expect(parseEmulatorArgs([], {}, gen)).toMatchObject({
      port: 8788,
      host: '127.0.0.1',
      rateLimit: 5,
      tokenRateLimit: 50,
      rateLimitPenaltyMs: 30_000,
      latencyMs: 0,
      faultRate: 0,
      token: ['patGenerated00001.ff'],
      tokenSource: 'generated',
    })
  })

  test('every flag, repeatable --token and --base', () => {
    const args = parseEmulatorArgs(
      [
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--seed',
        'empty',
        '--base',
        'a.json',
        '--base',
        'b.json',
        '--token',
        'T1',
        '--token',
        'T2',
        '--rate-limit',
        '10',
        '--rate-limit-penalty-ms',
        '100',
        '--latency-ms',
        '20',
        '--fault-rate',
        '0.25',
        '--data',
        '/tmp/x',
        '--seed-members',
        '1000',
        '--seed-sessions',
        '100000',
      ],
      { AIRTABLE_ACCESS_TOKEN: 'ignored' },
      gen,
    )
    expect(args).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      seed: 'empty',
      base: ['a.json', 'b.json'],
      token: ['T1', 'T2'],
      tokenSource: 'flag',
      rateLimit: 10,
      rateLimitPenaltyMs: 100,
      latencyMs: 20,
      faultRate: 0.25,
      data: '/tmp/x',
      seedMembers: 1000,
      seedSessions: 100_000,
    })
  })

  test('AIRTABLE_ACCESS_TOKEN is used when no --token is given', () => {
    expect(parseEmulatorArgs([], { AIRTABLE_ACCESS_TOKEN: 'patEnv' }, gen)).toMatchObject({
      token: ['patEnv'],
      tokenSource: 'env',
    })
  })

  test.each([
    [['--port', 'x']],
    [['--port', '70000']],
    [['--seed', 'other']],
    [['--fault-rate', '2']],
    [['--seed-sessions', '10']],
    [['--nope']],
    [['positional']],
  ])('%j is a usage error', (argv) => {
    expect(() => parseEmulatorArgs(argv, {}, gen)).toThrow(UsageError)
  })
})
