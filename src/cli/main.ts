/**
 * `airsync <command>`: the process entry, the only place that reads argv and env. The command
 * table lives in run.ts.
 */
import { runCli } from './run.ts'

process.exitCode = await runCli(process.argv.slice(2), process.env)
