/**
 * Flags of `airsync emulator`, parsed once with node:util parseArgs and validated with zod.
 * Env: AIRTABLE_ACCESS_TOKEN is accepted as the token when no --token is given.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { UsageError } from '../command.ts'

export const EMULATOR_USAGE = `Usage: airsync emulator [options]

A local Airtable: the REST API (records, metadata, webhooks) with Airtable's limits and errors.

Options:
  --port N                  port to listen on; 0 picks a free one (default 8788)
  --host H                  interface to bind (default 127.0.0.1)
  --seed presence|empty     built-in base to serve (default presence, unless --base is given)
  --seed-members N          Members Registry rows of the presence seed (default 500)
  --seed-sessions N         Presence Operations rows of the presence seed (default 3000)
  --base FILE               serve the base defined in FILE (JSON); repeatable
  --token T                 accepted bearer token; repeatable. Default: $AIRTABLE_ACCESS_TOKEN,
                            or a generated one printed at start-up
  --rate-limit N            requests per second per base (default 5; 0 disables limits)
  --token-rate-limit N      requests per second per token (default 50)
  --rate-limit-penalty-ms N how long a base answers 429 after a refusal (default 30000)
  --latency-ms N            added latency per request (default 0)
  --jitter-ms N             extra random latency, 0..N ms (default 0)
  --fault-rate R            share of requests answered 429/500/502/503 (0..1, default 0)
  --hang-rate R             share of requests that never answer (0..1, default 0)
  --commit-then-fail-rate R share of writes applied and then failed (0..1, default 0)
  --data DIR                persist state in DIR (crash-safe) and restore it on start
  --help                    this text`

const int = (min: number) => z.coerce.number().int().min(min)
const rate = z.coerce.number().min(0).max(1)

const argsSchema = z.object({
  port: int(0).max(65_535).default(8788),
  host: z.string().min(1).default('127.0.0.1'),
  seed: z.enum(['presence', 'empty']).optional(),
  seedMembers: int(2).optional(),
  seedSessions: int(24).optional(),
  base: z.array(z.string().min(1)).default([]),
  token: z.array(z.string().min(1)).default([]),
  rateLimit: int(0).default(5),
  tokenRateLimit: int(1).default(50),
  rateLimitPenaltyMs: int(0).default(30_000),
  latencyMs: int(0).default(0),
  jitterMs: int(0).default(0),
  faultRate: rate.default(0),
  hangRate: rate.default(0),
  commitThenFailRate: rate.default(0),
  data: z.string().min(1).optional(),
})

/** The validated configuration of one emulator run. */
export type EmulatorArgs = z.infer<typeof argsSchema> & {
  /** Where the token came from: flags, env, or generated (print it). */
  tokenSource: 'flag' | 'env' | 'generated'
}

/** Parses argv (after `emulator`) and env; throws UsageError with the reason. */
export function parseEmulatorArgs(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  generateToken: () => string,
): EmulatorArgs {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'seed-members': { type: 'string' },
        'seed-sessions': { type: 'string' },
        base: { type: 'string', multiple: true },
        token: { type: 'string', multiple: true },
        'rate-limit': { type: 'string' },
        'token-rate-limit': { type: 'string' },
        'rate-limit-penalty-ms': { type: 'string' },
        'latency-ms': { type: 'string' },
        'jitter-ms': { type: 'string' },
        'fault-rate': { type: 'string' },
        'hang-rate': { type: 'string' },
        'commit-then-fail-rate': { type: 'string' },
        data: { type: 'string' },
      },
    }).values
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const parsed = argsSchema.safeParse({
    port: values.port,
    host: values.host,
    seed: values.seed,
    seedMembers: values['seed-members'],
    seedSessions: values['seed-sessions'],
    base: values.base,
    token: values.token,
    rateLimit: values['rate-limit'],
    tokenRateLimit: values['token-rate-limit'],
    rateLimitPenaltyMs: values['rate-limit-penalty-ms'],
    latencyMs: values['latency-ms'],
    jitterMs: values['jitter-ms'],
    faultRate: values['fault-rate'],
    hangRate: values['hang-rate'],
    commitThenFailRate: values['commit-then-fail-rate'],
    data: values.data,
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const flag = String(issue?.path[0] ?? '?').replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)
    throw new UsageError(`--${flag}: ${issue?.message ?? 'invalid'}`)
  }
  const args = parsed.data
  const envToken = env['AIRTABLE_ACCESS_TOKEN']
  if (args.token.length > 0) return { ...args, tokenSource: 'flag' }
  if (envToken !== undefined && envToken !== '')
    return { ...args, token: [envToken], tokenSource: 'env' }
  return { ...args, token: [generateToken()], tokenSource: 'generated' }
}
