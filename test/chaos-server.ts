/**
 * `airsync serve` as a child process, for the tests that kill it (chaos, takeover): spawned with
 * an environment, watched for its `ready <url>` line, killed with any signal. Its output is kept
 * (the last lines) so a failing test can show what the server said.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../bin/airsync', import.meta.url))
const READY_TIMEOUT_MS = 120_000
const KEPT_LINES = 80

/** A running `airsync serve`. */
export interface ServerProcess {
  readonly pid: number
  /** Resolves with the URL once the server printed `ready <url>`. */
  readonly ready: Promise<string>
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>
  /** The last lines it printed (stdout and stderr). */
  output(): string
  /** Sends a signal and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>
}

/** Starts `airsync serve` with `env` (added to this process's PATH and HOME only). */
export function spawnServer(env: Readonly<Record<string, string>>): ServerProcess {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  let settleReady: { resolve: (url: string) => void; reject: (error: Error) => void } | undefined
  const ready = new Promise<string>((resolve, reject) => (settleReady = { resolve, reject }))
  // The caller may never await `ready` (a killed server): keep the rejection from going unhandled.
  ready.catch(() => undefined)
  const timer = setTimeout(
    () => settleReady?.reject(new Error(`airsync not ready after ${READY_TIMEOUT_MS} ms`)),
    READY_TIMEOUT_MS,
  )
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue
      lines.push(line)
      if (lines.length > KEPT_LINES) lines.shift()
      const match = /^ready (\S+)/.exec(line)
      if (match?.[1] !== undefined) settleReady?.resolve(match[1])
    }
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      settleReady?.reject(new Error(`airsync exited (${signal ?? code}) before ready`))
      resolve()
    })
  })
  return {
    pid: child.pid ?? -1,
    ready,
    exited,
    output: () => lines.join('\n'),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}

/** A TCP port free right now (the server binds it again after each restart). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
