/**
 * Audit of "bad days on demand" (issue 2, Emulator; airtable-api.md §3, §4): injected 429/500/502/
 * 503 bodies never commit a write, commit-then-fail applies to every write kind, latency is fixed
 * plus jitter (fake timers, no wall-clock assertions), and request size limits answer 413.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createEmulator, type Emulator } from './app.ts'
import { FAULT_HEADER } from './middleware.ts'
import { startEmulator } from './start.ts'
import { buildTestBase, TEST_BASE_ID } from './test-base.ts'

const TOKEN = 'patAuditFaults001.0000'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

async function setup(rows = 2, random = Math.random): Promise<Emulator> {
  return createEmulator({
    tokens: [TOKEN],
    bases: [buildTestBase({ rows })],
    rateLimit: false,
    random,
  })
}

interface Call {
  method: string
  path: string
  body?: unknown
}

const request = (emu: Emulator, call: Call) =>
  emu.app.request(call.path, {
    method: call.method,
    headers,
    ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
  })

const setFaults = async (emu: Emulator, faults: Record<string, unknown>) => {
  const res = await request(emu, { method: 'PUT', path: '/__emulator/faults', body: faults })
  expect(res.status).toBe(200)
}

const tasks = (emu: Emulator) => emu.bases.require(TEST_BASE_ID).list('Tasks')
const cellsOf = (emu: Emulator) => tasks(emu).map((r) => r.cells)

afterEach(() => {
  vi.useRealTimers()
})

describe('injected errors', () => {
  test.each([
    [429, 'RATE_LIMIT_REACHED', 'Rate limit exceeded. Please try again later'],
    [500, 'SERVER_ERROR', expect.any(String)],
    [502, 'BAD_GATEWAY', expect.any(String)],
    [
      503,
      'RETRIABLE_ERROR',
      'Server encountered an error while processing your request, and it is safe to retry the request',
    ],
  ])(
    '%i: Airtable-like body, marked, and a write is not applied',
    async (status, type, message) => {
      await using emu = await setup()
      await setFaults(emu, { errorRate: 1, errorStatuses: [status] })
      const before = cellsOf(emu)
      const res = await request(emu, {
        method: 'POST',
        path: `/v0/${TEST_BASE_ID}/Tasks`,
        body: { fields: { Name: 'no' } },
      })
      expect(res.status).toBe(status)
      expect(res.headers.get(FAULT_HEADER)).toBe('error')
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(await res.json()).toEqual({ error: { type, message } })
      expect(cellsOf(emu)).toEqual(before)
    },
  )

  test('faults scoped to one base leave other bases and control routes alone', async () => {
    await using emu = await setup()
    await setFaults(emu, { errorRate: 1, baseId: 'appOtherBase00001' })
    expect((await request(emu, { method: 'GET', path: `/v0/${TEST_BASE_ID}/Tasks` })).status).toBe(
      200,
    )
    await setFaults(emu, { errorRate: 1 })
    expect((await request(emu, { method: 'GET', path: '/__emulator/faults' })).status).toBe(200)
    expect(
      (await request(emu, { method: 'GET', path: `/v0/${TEST_BASE_ID}/Tasks` })).status,
    ).not.toBe(200)
  })
})

describe('commit-then-fail for every write kind', () => {
  type Check = (emu: Emulator, ids: string[]) => void
  type Ids = string[]
  const cases: Array<[string, string, (ids: Ids) => string, (ids: Ids) => unknown, Check]> = [
    [
      'create',
      'POST',
      () => `/v0/${TEST_BASE_ID}/Tasks`,
      () => ({ records: [{ fields: { Name: 'c1' } }, { fields: { Name: 'c2' } }] }),
      (emu) => expect(tasks(emu)).toHaveLength(4),
    ],
    [
      'batch PATCH',
      'PATCH',
      () => `/v0/${TEST_BASE_ID}/Tasks`,
      (ids) => ({ records: [{ id: ids[0], fields: { Notes: 'patched' } }] }),
      (emu) => expect(Object.values(tasks(emu)[0]!.cells)).toContain('patched'),
    ],
    [
      'single PUT',
      'PUT',
      (ids) => `/v0/${TEST_BASE_ID}/Tasks/${ids[1]}`,
      () => ({ fields: { Name: 'replaced' } }),
      (emu) => expect(Object.values(tasks(emu)[1]!.cells)).toContain('replaced'),
    ],
    [
      'upsert',
      'PATCH',
      () => `/v0/${TEST_BASE_ID}/Tasks`,
      () => ({
        performUpsert: { fieldsToMergeOn: ['Name'] },
        records: [{ fields: { Name: 'Task 1', Notes: 'upserted' } }, { fields: { Name: 'new' } }],
      }),
      (emu) => {
        expect(tasks(emu)).toHaveLength(3)
        expect(Object.values(tasks(emu)[0]!.cells)).toContain('upserted')
      },
    ],
    [
      'single DELETE',
      'DELETE',
      (ids) => `/v0/${TEST_BASE_ID}/Tasks/${ids[0]}`,
      () => undefined,
      (emu, ids) => expect(tasks(emu).map((r) => r.id)).toEqual([ids[1]]),
    ],
    [
      'batch DELETE',
      'DELETE',
      (ids) => `/v0/${TEST_BASE_ID}/Tasks?records[]=${ids[0]}&records[]=${ids[1]}`,
      () => undefined,
      (emu) => expect(tasks(emu)).toEqual([]),
    ],
    [
      'create table',
      'POST',
      () => `/v0/meta/bases/${TEST_BASE_ID}/tables`,
      () => ({ name: 'Ghost', fields: [{ name: 'Title', type: 'singleLineText' }] }),
      (emu) => expect(emu.bases.require(TEST_BASE_ID).table('Ghost').name).toBe('Ghost'),
    ],
    [
      'create field',
      'POST',
      () => `/v0/meta/bases/${TEST_BASE_ID}/tables/Tasks/fields`,
      () => ({ name: 'Extra', type: 'singleLineText' }),
      (emu) =>
        expect(
          emu.bases
            .require(TEST_BASE_ID)
            .table('Tasks')
            .fields.map((f) => f.name),
        ).toContain('Extra'),
    ],
    [
      'create webhook',
      'POST',
      () => `/v0/bases/${TEST_BASE_ID}/webhooks`,
      () => ({ specification: { options: { filters: { dataTypes: ['tableData'] } } } }),
      (emu) => expect(emu.webhooks.registry(TEST_BASE_ID)?.list().webhooks).toHaveLength(1),
    ],
  ]

  test.each(cases)('%s: the caller sees a 500, the change is there', async (...args) => {
    const [, method, pathOf, bodyOf, check] = args
    await using emu = await setup()
    const ids = tasks(emu).map((r) => r.id)
    await setFaults(emu, { commitThenFailRate: 1 })
    const res = await request(emu, { method, path: pathOf(ids), body: bodyOf(ids) })
    expect(res.status).toBe(500)
    expect(res.headers.get(FAULT_HEADER)).toBe('commitThenFail')
    expect(await res.json()).toMatchObject({ error: { type: 'SERVER_ERROR' } })
    check(emu, ids)
  })

  test('a read is never committed-then-failed', async () => {
    await using emu = await setup()
    await setFaults(emu, { commitThenFailRate: 1 })
    expect((await request(emu, { method: 'GET', path: `/v0/${TEST_BASE_ID}/Tasks` })).status).toBe(
      200,
    )
    const list = await request(emu, {
      method: 'POST',
      path: `/v0/${TEST_BASE_ID}/Tasks/listRecords`,
      body: {},
    })
    expect(list.status).toBe(200)
  })
})

describe('latency', () => {
  test('fixed latency plus jitter delays the answer by exactly that much (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    // random() = 0.5 → jitter = floor(0.5 × (1000 + 1)) = 500 ms.
    await using emu = await setup(1, () => 0.5)
    emu.faults.set({ latencyMs: 2000, jitterMs: 1000 })
    let status: number | undefined
    const pending = Promise.resolve(emu.app.request(`/v0/${TEST_BASE_ID}/Tasks`, { headers })).then(
      (res) => {
        status = res.status
      },
    )
    await vi.advanceTimersByTimeAsync(2499)
    expect(status).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    await pending
    expect(status).toBe(200)
  })
})

describe('request size', () => {
  test('a body over the limit is 413 in the envelope over real HTTP; nothing is created', async () => {
    await using running = await startEmulator({
      tokens: [TOKEN],
      rateLimit: false,
      bases: [buildTestBase()],
      maxBodyBytes: 10_000,
    })
    const res = await fetch(`${running.url}/v0/${TEST_BASE_ID}/Tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ fields: { Name: 'x'.repeat(20_000) } }),
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { type: 'REQUEST_TOO_LARGE' } })
    expect(running.emulator.bases.require(TEST_BASE_ID).count('Tasks')).toBe(0)
  })

  test('a chunked body without Content-Length is limited too', async () => {
    await using running = await startEmulator({
      tokens: [TOKEN],
      rateLimit: false,
      bases: [buildTestBase()],
      maxBodyBytes: 10_000,
    })
    const text = JSON.stringify({ fields: { Name: 'y'.repeat(20_000) } })
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text)
        for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.slice(i, i + 4096))
        controller.close()
      },
    })
    const res = await fetch(`${running.url}/v0/${TEST_BASE_ID}/Tasks`, {
      method: 'POST',
      headers,
      body: stream,
      duplex: 'half',
    })
    expect(res.status).toBe(413)
    expect(running.emulator.bases.require(TEST_BASE_ID).count('Tasks')).toBe(0)
  })
})
