import { describe, expect, test } from 'vitest'
import { createEmulator } from '../app.ts'
import { buildTestBase, TEST_BASE_ID } from '../test-base.ts'
import { DEFAULT_UI_USER } from './control.ts'
import type { BaseTransaction } from '../state/index.ts'

const TOKEN = 'patControlTest001.0000'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

describe('control endpoints', () => {
  test('UI edits are source client with a collaborator, and are not counted in stats', async () => {
    await using emu = await createEmulator({ tokens: [TOKEN], bases: [buildTestBase()] })
    const seen: BaseTransaction[] = []
    emu.bases.require(TEST_BASE_ID).subscribe((tx) => seen.push(tx))
    const res = await emu.app.request(`/__emulator/bases/${TEST_BASE_ID}/tables/Tasks/records`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action: 'create', records: [{ fields: { Name: 'from the UI' } }] }),
    })
    expect(res.status).toBe(200)
    const { records } = (await res.json()) as { records: Array<{ id: string }> }
    expect(seen.map((tx) => [tx.source, tx.user?.id])).toEqual([['client', DEFAULT_UI_USER.id]])
    const del = await emu.app.request(`/__emulator/bases/${TEST_BASE_ID}/tables/Tasks/records`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action: 'delete', records: [records[0]!.id] }),
    })
    expect(await del.json()).toEqual({ records: [{ id: records[0]!.id, deleted: true }] })
    expect(emu.stats.snapshot().total).toBe(0)
  })

  test('reset puts the base back to its start state; iterators can be expired', async () => {
    await using emu = await createEmulator({
      tokens: [TOKEN],
      bases: [buildTestBase({ rows: 3 })],
      rateLimit: false,
    })
    await emu.app.request(`/v0/${TEST_BASE_ID}/Tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ fields: { Name: 'extra' } }),
    })
    expect(emu.bases.require(TEST_BASE_ID).count('Tasks')).toBe(4)
    const page = await emu.app.request(`/v0/${TEST_BASE_ID}/Tasks?pageSize=1`, { headers })
    const { offset } = (await page.json()) as { offset: string }
    const reset = await emu.app.request(`/__emulator/bases/${TEST_BASE_ID}/reset`, {
      method: 'POST',
      headers,
    })
    expect(reset.status).toBe(200)
    expect(emu.bases.require(TEST_BASE_ID).count('Tasks')).toBe(3)
    const next = await emu.app.request(`/v0/${TEST_BASE_ID}/Tasks?pageSize=1&offset=${offset}`, {
      headers,
    })
    expect(await next.json()).toEqual({ error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' } })
    const expire = await emu.app.request('/__emulator/iterators/expire', {
      method: 'POST',
      headers,
    })
    expect(await expire.json()).toEqual({ expired: 0 })
  })

  test('faults: PATCH merges, GET shows; stats reset', async () => {
    await using emu = await createEmulator({ tokens: [TOKEN] })
    await emu.app.request('/__emulator/faults', {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ latencyMs: 5 }),
    })
    await emu.app.request('/__emulator/faults', {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ jitterMs: 3 }),
    })
    const got = (await (await emu.app.request('/__emulator/faults', { headers })).json()) as Record<
      string,
      unknown
    >
    expect(got).toMatchObject({ latencyMs: 5, jitterMs: 3, errorRate: 0 })
    await emu.app.request('/v0/meta/bases', { headers })
    expect(emu.stats.snapshot().total).toBe(1)
    await emu.app.request('/__emulator/stats/reset', { method: 'POST', headers })
    expect(emu.stats.snapshot().total).toBe(0)
  })
})
