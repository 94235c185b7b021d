/**
 * Issue 2, "done means" 4: commit-then-fail. The write is applied, yet the caller sees a failure
 * (a 5xx, or a connection reset); reading afterwards shows the record exists.
 */
import { describe, expect, test } from 'vitest'
import { startEmulator } from './start.ts'
import { FAULT_HEADER } from './middleware.ts'
import { buildTestBase, TEST_BASE_ID } from './test-base.ts'

const TOKEN = 'patCommitThenFail.0000'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

async function namesIn(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v0/${TEST_BASE_ID}/Tasks`, { headers })
  const body = (await res.json()) as { records: Array<{ fields: { Name?: string } }> }
  return body.records.map((r) => r.fields.Name ?? '')
}

describe('commit-then-fail', () => {
  test('status mode: the caller gets a 500 in Airtable’s envelope, the record exists', async () => {
    await using running = await startEmulator({
      tokens: [TOKEN],
      rateLimit: false,
      bases: [buildTestBase()],
      faults: { commitThenFailRate: 1, commitThenFailMode: 'status' },
    })
    const res = await fetch(`${running.url}/v0/${TEST_BASE_ID}/Tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ fields: { Name: 'ghost write' } }),
    })
    expect(res.status).toBe(500)
    expect(res.headers.get(FAULT_HEADER)).toBe('commitThenFail')
    expect(await res.json()).toMatchObject({ error: { type: 'SERVER_ERROR' } })
    // Reads are not writes: they pass, and show the committed record.
    expect(await namesIn(running.url)).toEqual(['ghost write'])
  })

  test('reset mode: the connection is destroyed, the record exists', async () => {
    await using running = await startEmulator({
      tokens: [TOKEN],
      rateLimit: false,
      bases: [buildTestBase()],
      faults: { commitThenFailRate: 1, commitThenFailMode: 'reset' },
    })
    const attempt = fetch(`${running.url}/v0/${TEST_BASE_ID}/Tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ records: [{ fields: { Name: 'a' } }, { fields: { Name: 'b' } }] }),
    })
    await expect(attempt).rejects.toThrow()
    expect((await namesIn(running.url)).sort()).toEqual(['a', 'b'])
  })

  test('a write that fails on its own is not turned into a commit', async () => {
    await using running = await startEmulator({
      tokens: [TOKEN],
      rateLimit: false,
      bases: [buildTestBase()],
      faults: { commitThenFailRate: 1 },
    })
    const res = await fetch(`${running.url}/v0/${TEST_BASE_ID}/Tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ fields: { Nope: 1 } }),
    })
    expect(res.status).toBe(422)
    expect(await namesIn(running.url)).toEqual([])
  })
})

describe('hang', () => {
  test('a hung request answers nothing; the client’s abort releases it', async () => {
    await using running = await startEmulator({
      tokens: [TOKEN],
      rateLimit: false,
      bases: [buildTestBase()],
      faults: { hangRate: 1 },
    })
    const controller = new AbortController()
    const attempt = fetch(`${running.url}/v0/${TEST_BASE_ID}/Tasks`, {
      headers,
      signal: controller.signal,
    })
    // Wait (without a deadline) until the server holds the request.
    while (running.emulator.faults.hanging === 0) await new Promise((r) => setImmediate(r))
    controller.abort()
    await expect(attempt).rejects.toThrow()
    while (running.emulator.faults.hanging > 0) await new Promise((r) => setImmediate(r))
    expect(running.emulator.faults.hanging).toBe(0)
  })
})
