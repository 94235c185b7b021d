/**
 * The process entry as a shell runs it: `bin/airsync` with its stdout read by a program that stops
 * reading early (`| head -1`).
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { expect, test } from 'vitest'
import { PACKAGE_ROOT } from './commands/web-build.ts'

test('a closed stdout ends the command quietly, not with an EPIPE stack trace', async () => {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin/airsync'), '--help'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // The reader goes away before the command writes, as `head` does after its lines.
  child.stdout.destroy()
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  expect(stderr).toBe('')
  expect(code).toBe(0)
})
