/**
 * `airsync emulator` as a process: prints its URL and ready line, serves the API, stops cleanly on
 * SIGTERM. And the command table in-process: help, unknown commands, usage errors.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { runCli } from '../run.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

function collect() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err }
}

describe('airsync emulator (process)', () => {
  test('ready line, serves the API with the given token, exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/airsync'),
        'emulator',
        '--port',
        '0',
        '--seed',
        'empty',
        '--token',
        'patCliTest',
        '--base',
        path.join(ROOT, 'no-such-file.json'),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    // A missing --base file is a start-up error, reported on stderr with a non-zero exit.
    expect(await exit).not.toBe(0)
    expect(stderr).toContain('no-such-file.json')

    const ok = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/airsync'),
        'emulator',
        '--port',
        '0',
        '--seed',
        'empty',
        '--token',
        'patCliTest',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const okExit = new Promise<number | null>((resolve) => ok.on('exit', (code) => resolve(code)))
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      ok.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /^ready (\S+)$/m.exec(out)
        if (match?.[1] !== undefined) resolve(match[1])
      })
      ok.on('exit', () => reject(new Error(`exited before ready:\n${out}`)))
    })
    const res = await fetch(`${url}/v0/meta/bases`, {
      headers: { authorization: 'Bearer patCliTest' },
    })
    expect(await res.json()).toMatchObject({ bases: [{ id: 'appEmptyBase00001' }] })
    const denied = await fetch(`${url}/v0/meta/bases`, {
      headers: { authorization: 'Bearer other' },
    })
    expect(denied.status).toBe(401)
    ok.kill('SIGTERM')
    expect(await okExit).toBe(0)
  })
})

describe('command table', () => {
  test('help lists commands; <command> --help prints usage', async () => {
    const top = collect()
    expect(await runCli(['--help'], {}, top.io)).toBe(0)
    expect(top.out.join('\n')).toContain('emulator')
    const usage = collect()
    expect(await runCli(['emulator', '--help'], {}, usage.io)).toBe(0)
    expect(usage.out.join('\n')).toContain('--rate-limit-penalty-ms')
  })

  test('unknown command and bad flags exit 2 with a message', async () => {
    const unknown = collect()
    expect(await runCli(['nope'], {}, unknown.io)).toBe(2)
    expect(unknown.err.join('\n')).toContain('unknown command "nope"')
    const bad = collect()
    expect(await runCli(['emulator', '--port', 'abc'], {}, bad.io)).toBe(2)
    expect(bad.err.join('\n')).toContain('--port')
  })
})
