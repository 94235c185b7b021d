/**
 * The command table and dispatcher. Add a command by adding a line to COMMANDS; main.ts is the
 * process entry that feeds it argv and env.
 */
import { UsageError, type Command, type CommandIo } from './command.ts'
import { auditCommand } from './commands/audit.ts'
import { codegenCommand } from './commands/codegen.ts'
import { conflictsCommand } from './commands/conflicts.ts'
import { emulatorCommand } from './commands/emulator.ts'
import { outboxCommand } from './commands/outbox.ts'
import { pullCommand } from './commands/pull.ts'
import { serveCommand } from './commands/serve.ts'
import { startCommand } from './commands/start.ts'
import { statusCommand } from './commands/status.ts'

/** Every command by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  codegen: codegenCommand,
  emulator: emulatorCommand,
  serve: serveCommand,
  pull: pullCommand,
  start: startCommand,
  status: statusCommand,
  outbox: outboxCommand,
  conflicts: conflictsCommand,
  audit: auditCommand,
}

/** Writes to the process's stdout/stderr. */
export const consoleIo: CommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  redraw: process.stderr.isTTY ? (line) => process.stderr.write(`\r\x1b[2K${line}`) : undefined,
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length))
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`)
  return [
    'Usage: airsync <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'airsync <command> --help for its options.',
  ].join('\n')
}

/** Runs one command line; resolves to the exit code. */
export async function runCli(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CommandIo = consoleIo,
): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help())
    return name === undefined ? 2 : 0
  }
  const command = COMMANDS[name]
  if (command === undefined) {
    io.err(`airsync: unknown command "${name}"\n\n${help()}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage)
    return 0
  }
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    return await command.run({ argv: rest, env, io, signal: controller.signal })
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`airsync ${name}: ${error.message}\n\n${command.usage}`)
      return 2
    }
    io.err(
      `airsync ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    )
    return 1
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}
