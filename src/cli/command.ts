/**
 * The shape of a CLI command: the table in main.ts maps names to these. A command gets its own
 * argv (after the command name), the environment and output streams; it resolves to an exit code.
 */

/** Where a command writes; tests pass collectors. */
export interface CommandIo {
  out: (line: string) => void
  err: (line: string) => void
  /** Redraws a status line in place (progress bars); absent when stderr is not a terminal. */
  redraw?: ((line: string) => void) | undefined
}

export interface CommandContext {
  argv: string[]
  env: Readonly<Record<string, string | undefined>>
  io: CommandIo
  /** Aborts when the process is asked to stop (SIGINT/SIGTERM). */
  signal: AbortSignal
}

export interface Command {
  /** One line for `airsync --help`. */
  summary: string
  /** Full text for `airsync <command> --help`. */
  usage: string
  run(context: CommandContext): Promise<number>
}

/** Thrown for bad flags: main prints the message and the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
