import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { createEmulator } from './app.ts'
import { Persister, writeFileAtomic } from './persistence.ts'
import { buildTestBase, TEST_BASE_ID } from './test-base.ts'

const TOKEN = 'patPersistTest001.0000'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'airsync-emu-'))
  dirs.push(dir)
  return dir
}

describe('persistence', () => {
  test('writeFileAtomic replaces the file and leaves no temp files', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'x.json')
    await writeFileAtomic(file, '{"a":1}')
    await writeFileAtomic(file, '{"a":2}')
    expect(await readFile(file, 'utf8')).toBe('{"a":2}')
    expect(await readdir(dir)).toEqual(['x.json'])
  })

  test('writes are coalesced: many schedules, the last snapshot wins', async () => {
    const dir = await tempDir()
    const persister = new Persister({ dir, delayMs: 10_000 })
    let calls = 0
    for (let i = 0; i < 50; i++) {
      persister.schedule('part', () => {
        calls++
        return { i }
      })
    }
    await persister.flush()
    expect(calls).toBe(1)
    expect(JSON.parse(await readFile(path.join(dir, 'part.json'), 'utf8'))).toEqual({ i: 49 })
  })

  test('records and webhooks survive a restart with --data', async () => {
    const dataDir = await tempDir()
    const first = await createEmulator({
      tokens: [TOKEN],
      bases: [buildTestBase()],
      dataDir,
      rateLimit: false,
    })
    const created = await first.app.request(`/v0/${TEST_BASE_ID}/Tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ fields: { Name: 'kept' } }),
    })
    const { id } = (await created.json()) as { id: string }
    const hook = await first.app.request(`/v0/bases/${TEST_BASE_ID}/webhooks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        specification: { options: { filters: { dataTypes: ['tableData'] } } },
      }),
    })
    expect(hook.status).toBe(200)
    await first.close()

    // A fresh seed (no records) is replaced by what was persisted.
    const second = await createEmulator({
      tokens: [TOKEN],
      bases: [buildTestBase()],
      dataDir,
      rateLimit: false,
    })
    const res = await second.app.request(`/v0/${TEST_BASE_ID}/Tasks/${id}`, { headers })
    expect(await res.json()).toMatchObject({ id, fields: { Name: 'kept' } })
    const hooks = await second.app.request(`/v0/bases/${TEST_BASE_ID}/webhooks`, { headers })
    expect(((await hooks.json()) as { webhooks: unknown[] }).webhooks).toHaveLength(1)
    await second.close()
  })
})
