/**
 * `airsync <command>`: the process entry, the only place that reads argv and env. The command
 * table lives in run.ts.
 */
import { runCli } from './run.ts'

// A reader that stops early (`airsync status | head -3`) closes the pipe: that ends the output,
// it is not a failure to report with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(process.exitCode ?? 0)
  })
}

process.exitCode = await runCli(process.argv.slice(2), process.env)
