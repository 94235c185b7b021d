/**
 * `airsync emulator`: serves a local Airtable until SIGINT/SIGTERM. Prints its URL, the token (if
 * generated) and the bases it serves; the last start-up line starts with `ready` so scripts and
 * benchmarks can wait for it.
 */
import { generateToken, loadSeedBases, startEmulator } from '../../emulator/index.ts'
import type { Command } from '../command.ts'
import { EMULATOR_USAGE, parseEmulatorArgs } from './emulator-args.ts'

/** The line printed once the emulator accepts requests. */
export const READY_PREFIX = 'ready'

export const emulatorCommand: Command = {
  summary: 'run a local Airtable (REST API, webhooks, limits, faults)',
  usage: EMULATOR_USAGE,
  async run({ argv, env, io, signal }) {
    const args = parseEmulatorArgs(argv, env, generateToken)
    const bases = await loadSeedBases(
      { seed: args.seed ?? (args.base.length > 0 ? undefined : 'presence'), files: args.base },
      {
        presence: {
          ...(args.seedMembers !== undefined && { members: args.seedMembers }),
          ...(args.seedSessions !== undefined && { sessions: args.seedSessions }),
        },
      },
    )
    const running = await startEmulator({
      port: args.port,
      host: args.host,
      bases,
      tokens: args.token,
      rateLimit:
        args.rateLimit === 0
          ? false
          : {
              perBase: args.rateLimit,
              perToken: args.tokenRateLimit,
              penaltyMs: args.rateLimitPenaltyMs,
            },
      faults: {
        latencyMs: args.latencyMs,
        jitterMs: args.jitterMs,
        errorRate: args.faultRate,
        hangRate: args.hangRate,
        commitThenFailRate: args.commitThenFailRate,
      },
      ...(args.data !== undefined && { dataDir: args.data }),
      onError: (error) =>
        io.err(
          `emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    })
    try {
      io.out(`airsync emulator listening on ${running.url}`)
      for (const base of running.emulator.bases.list()) io.out(`  base ${base.id}  ${base.name}`)
      if (args.tokenSource === 'generated')
        io.out(`  token ${args.token[0] ?? ''}  (generated; pass --token to choose one)`)
      if (args.data !== undefined) io.out(`  data  ${args.data}`)
      io.out(`${READY_PREFIX} ${running.url}`)
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve()
        else signal.addEventListener('abort', () => resolve(), { once: true })
      })
      io.out('airsync emulator stopping')
    } finally {
      await running.close()
    }
    return 0
  },
}
