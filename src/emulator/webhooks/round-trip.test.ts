/**
 * Issue 2, "done means" 3: a webhook round trip over real HTTP. Changes made through the API and
 * through the UI-edit control path produce a ping whose MAC an independent check accepts; the
 * payloads, read by cursor, hold exactly those changes, with previous values when asked. Every
 * answer is parsed with the shared wire schemas of protocol/webhooks.ts. Runs the whole emulator
 * (auth, pipeline, webhooks mounted by app.ts) on a real port.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { z } from 'zod'
import {
  createWebhookResponseSchema,
  listWebhookPayloadsResponseSchema,
  listWebhooksResponseSchema,
  type WebhookPayload,
} from '../../protocol/webhooks.ts'
import { airtableErrorBodySchema, errorTypeOf } from '../../protocol/errors.ts'
import { createEmulator } from '../app.ts'
import { listen, type Listener } from '../node.ts'
import { EmulatedBase } from '../state/index.ts'

const TOKEN = 'patRoundTrip00001.0000000000000000000000000000000000000000000000000000000000000000'
const BASE_ID = 'appRoundTrip00001'

interface Ping {
  body: string
  mac: string | undefined
}

/** A receiver on port 0 that keeps every ping's raw body and MAC header. */
async function startReceiver() {
  const pings: Ping[] = []
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const mac = req.headers['x-airtable-content-mac']
      pings.push({
        body: Buffer.concat(chunks).toString('utf8'),
        mac: typeof mac === 'string' ? mac : undefined,
      })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    pings,
    url: `http://127.0.0.1:${port}/airtable-ping`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The documented verification (airtable-api.md §7.3), independent of the emulator's code. */
function verifyMac(macSecretBase64: string, ping: Ping): boolean {
  const key = Buffer.from(macSecretBase64, 'base64')
  const digest = createHmac('sha256', key).update(Buffer.from(ping.body, 'utf8')).digest('hex')
  const expected = `hmac-sha256=${digest}`
  const got = ping.mac ?? ''
  return got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected))
}

function buildBase(): EmulatedBase {
  const base = new EmulatedBase({ id: BASE_ID, name: 'Round trip' })
  const by = { source: 'system' as const }
  base.createTable({ name: 'Hosts', fields: [{ name: 'Name', type: 'singleLineText' }] }, by)
  const choices = [{ name: 'Pending' }, { name: 'Confirmed', color: 'greenLight2' }]
  base.createTable(
    {
      name: 'Sessions',
      fields: [
        { name: 'Ref', type: 'singleLineText' },
        { name: 'Status', type: 'singleSelect', options: { choices } },
        { name: 'Amount', type: 'currency', options: { precision: 2, symbol: '$' } },
        {
          name: 'Host',
          type: 'multipleRecordLinks',
          options: { linkedTableId: base.table('Hosts').id },
        },
      ],
    },
    by,
  )
  base.addView('Sessions', { name: 'Confirmed', filterByFormula: "{Status} = 'Confirmed'" })
  base.create('Hosts', [{ fields: { Name: 'Hana' } }], by)
  base.create('Sessions', [{ fields: { Ref: 'S-1', Status: 'Pending', Amount: 10 } }], by)
  return base
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn()
})

async function start(): Promise<{ server: Listener; base: EmulatedBase }> {
  const base = buildBase()
  const emulator = await createEmulator({
    bases: [base],
    tokens: [TOKEN],
    rateLimit: false,
    webhooks: { pingCoalesceMs: 20, pingFirstRetryDelayMs: 50 },
  })
  const server = await listen({ fetch: emulator.app.fetch })
  cleanups.push(
    () => emulator.close(),
    () => server.close(),
  )
  return { server, base }
}

interface CallRequest {
  method: string
  path: string
  body?: unknown
}

async function call(
  server: Listener,
  request: CallRequest,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${server.url}${request.path}`, {
    method: request.method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  })
  return { status: response.status, json: await response.json() }
}

/** Calls and parses a 200 answer with `schema`. */
async function ok<T>(server: Listener, request: CallRequest, schema: z.ZodType<T>): Promise<T> {
  const { status, json } = await call(server, request)
  expect(status, JSON.stringify(json)).toBe(200)
  return schema.parse(json)
}

/** Calls and returns the status and Airtable error type. */
async function fails(
  server: Listener,
  request: CallRequest,
): Promise<[number, string | undefined]> {
  const { status, json } = await call(server, request)
  expect(airtableErrorBodySchema.safeParse(json).success).toBe(true)
  return [status, errorTypeOf(json)]
}

const recordsSchema = z.object({ records: z.array(z.object({ id: z.string() })) })
const SEL = expect.stringMatching(/^sel[A-Za-z0-9]{14}$/) as unknown

describe('webhook round trip over HTTP', () => {
  test('API and UI edits → signed pings → payloads by cursor with exactly those changes', async () => {
    const receiver = await startReceiver()
    cleanups.push(() => receiver.close())
    const { server, base } = await start()
    const sessions = base.table('Sessions')
    const field = (name: string) => sessions.fields.find((f) => f.name === name)!.id
    const hostId = base.list('Hosts')[0]!.id
    const s1 = base.list('Sessions')[0]!.id
    const hooks = `/v0/bases/${BASE_ID}/webhooks`

    const createBody = {
      notificationUrl: receiver.url,
      specification: {
        options: {
          filters: { dataTypes: ['tableData'], recordChangeScope: sessions.id },
          includes: { includePreviousCellValues: true },
        },
      },
    }
    const created = await ok(
      server,
      { method: 'POST', path: hooks, body: createBody },
      createWebhookResponseSchema,
    )
    expect(Object.keys(created).sort()).toEqual(['expirationTime', 'id', 'macSecretBase64'])
    const { id: hookId, macSecretBase64 } = created
    await vi.waitFor(() => expect(receiver.pings.length).toBeGreaterThanOrEqual(1))
    const pingsAfterCreate = receiver.pings.length

    // 1. Through the API (publicApi): update S-1, create S-2.
    const patch = { fields: { Status: 'Confirmed', Amount: 12.5, Host: [hostId] } }
    await ok(
      server,
      { method: 'PATCH', path: `/v0/${BASE_ID}/Sessions/${s1}`, body: patch },
      z.unknown(),
    )
    const post = { records: [{ fields: { Ref: 'S-2' } }] }
    const posted = await ok(
      server,
      { method: 'POST', path: `/v0/${BASE_ID}/Sessions`, body: post },
      recordsSchema,
    )
    const s2 = posted.records[0]!.id
    // 2. As the operations team edits in Airtable's UI (client).
    const edit = { action: 'update', records: [{ id: s2, fields: { Status: 'Pending' } }] }
    const uiPath = `/__emulator/bases/${BASE_ID}/tables/Sessions/records`
    await ok(server, { method: 'POST', path: uiPath, body: edit }, z.unknown())
    // 3. A write elsewhere in the base is outside the scope: no payload.
    await ok(
      server,
      { method: 'POST', path: `/v0/${BASE_ID}/Hosts`, body: { fields: { Name: 'Ivo' } } },
      z.unknown(),
    )

    await vi.waitFor(() => expect(receiver.pings.length).toBeGreaterThan(pingsAfterCreate))
    for (const ping of receiver.pings) {
      expect(verifyMac(macSecretBase64, ping)).toBe(true)
      expect(JSON.parse(ping.body)).toMatchObject({
        base: { id: BASE_ID },
        webhook: { id: hookId },
      })
    }
    expect(verifyMac(Buffer.alloc(32, 7).toString('base64'), receiver.pings[0]!)).toBe(false)

    // Page through with limit 2: cursor 1 → 3 → 4.
    const payloadsPath = `${hooks}/${hookId}/payloads`
    const page = listWebhookPayloadsResponseSchema
    const first = await ok(server, { method: 'GET', path: `${payloadsPath}?limit=2` }, page)
    expect(first).toMatchObject({ cursor: 3, mightHaveMore: true })
    const second = await ok(
      server,
      { method: 'GET', path: `${payloadsPath}?cursor=3&limit=2` },
      page,
    )
    expect(second).toMatchObject({ cursor: 4, mightHaveMore: false })
    const payloads = [...first.payloads, ...second.payloads]
    expect(payloads.map((p) => p.actionMetadata?.source)).toEqual([
      'publicApi',
      'publicApi',
      'client',
    ])
    expect(payloads[2]?.actionMetadata?.sourceMetadata?.user).toMatchObject({
      email: 'ops@presence.test',
    })

    const change = (p: WebhookPayload | undefined) => p?.changedTablesById?.[sessions.id]
    expect(Object.keys(payloads[0]?.changedTablesById ?? {})).toEqual([sessions.id])
    const s1Change = change(payloads[0])?.changedRecordsById?.[s1]
    expect(s1Change?.current.cellValuesByFieldId).toEqual({
      [field('Status')]: { id: SEL, name: 'Confirmed', color: 'greenLight2' },
      [field('Amount')]: 12.5,
      [field('Host')]: [{ id: hostId, name: 'Hana' }],
    })
    expect(s1Change?.previous?.cellValuesByFieldId).toEqual({
      [field('Status')]: { id: SEL, name: 'Pending' },
      [field('Amount')]: 10,
      [field('Host')]: null,
    })
    expect(change(payloads[1])?.createdRecordsById?.[s2]?.cellValuesByFieldId).toEqual({
      [field('Ref')]: 'S-2',
    })
    expect(change(payloads[2])?.changedRecordsById?.[s2]).toEqual({
      current: { cellValuesByFieldId: { [field('Status')]: { id: SEL, name: 'Pending' } } },
      previous: { cellValuesByFieldId: { [field('Status')]: null } },
    })

    // Nothing new: the cursor stays; the webhook shows where it is.
    const empty = await ok(server, { method: 'GET', path: `${payloadsPath}?cursor=4` }, page)
    expect(empty).toEqual({ cursor: 4, mightHaveMore: false, payloads: [] })
    const listed = await ok(server, { method: 'GET', path: hooks }, listWebhooksResponseSchema)
    expect(listed.webhooks[0]).toMatchObject({
      id: hookId,
      cursorForNextPayload: 4,
      isHookEnabled: true,
      notificationUrl: receiver.url,
      lastNotificationResult: { success: true },
    })
  })

  test('endpoints: refresh, enableNotifications, delete, errors in the envelope, test controls', async () => {
    const { server } = await start()
    const hooks = `/v0/bases/${BASE_ID}/webhooks`
    const spec = { options: { filters: { dataTypes: ['tableData'] } } }
    const hook = await ok(
      server,
      { method: 'POST', path: hooks, body: { specification: spec } },
      createWebhookResponseSchema,
    )
    const path = `${hooks}/${hook.id}`
    const refreshed = await ok(
      server,
      { method: 'POST', path: `${path}/refresh` },
      z.object({ expirationTime: z.string() }),
    )
    expect(Date.parse(refreshed.expirationTime)).toBeGreaterThan(Date.now())
    await ok(
      server,
      { method: 'POST', path: `${path}/enableNotifications`, body: { enable: false } },
      z.object({}),
    )
    const listed = await ok(server, { method: 'GET', path: hooks }, listWebhooksResponseSchema)
    expect(listed.webhooks[0]?.areNotificationsEnabled).toBe(false)

    const badSpec = { specification: { options: { filters: {} } } }
    expect(await fails(server, { method: 'POST', path: hooks, body: badSpec })).toEqual([
      422,
      'INVALID_REQUEST_UNKNOWN',
    ])
    expect(await fails(server, { method: 'GET', path: `${path}/payloads?limit=51` })).toEqual([
      422,
      'INVALID_REQUEST_UNKNOWN',
    ])
    expect(
      await fails(server, { method: 'GET', path: '/v0/bases/appUnknown0000000/webhooks' }),
    ).toEqual([403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND'])

    const control = `/__emulator/bases/${BASE_ID}/webhooks/${hook.id}`
    const expired = await ok(
      server,
      { method: 'POST', path: `${control}/expire` },
      z.looseObject({ isHookEnabled: z.boolean() }),
    )
    expect(expired.isHookEnabled).toBe(false)
    expect(await fails(server, { method: 'POST', path: `${path}/refresh` })).toEqual([
      422,
      'INVALID_REQUEST_UNKNOWN',
    ])
    const dropped = await ok(
      server,
      { method: 'POST', path: `${control}/drop-payloads` },
      z.object({ dropped: z.number() }),
    )
    expect(dropped).toEqual({ dropped: 0 })

    await ok(server, { method: 'DELETE', path }, z.object({}))
    expect(await ok(server, { method: 'GET', path: hooks }, listWebhooksResponseSchema)).toEqual({
      webhooks: [],
    })
    expect(await fails(server, { method: 'DELETE', path })).toEqual([404, 'NOT_FOUND'])
  })

  test('a view scope over the real base: entering and leaving the view are created and destroyed', async () => {
    const { server, base } = await start()
    const sessions = base.table('Sessions')
    const viewId = sessions.views.find((v) => v.name === 'Confirmed')!.id
    const s1 = base.list('Sessions')[0]!.id
    const hooks = `/v0/bases/${BASE_ID}/webhooks`
    const body = {
      specification: {
        options: { filters: { dataTypes: ['tableData'], recordChangeScope: viewId } },
      },
    }
    const hook = await ok(
      server,
      { method: 'POST', path: hooks, body },
      createWebhookResponseSchema,
    )
    const patch = (Status: string) =>
      ok(
        server,
        { method: 'PATCH', path: `/v0/${BASE_ID}/Sessions/${s1}`, body: { fields: { Status } } },
        z.unknown(),
      )
    await patch('Confirmed') // enters the view
    await ok(
      server,
      { method: 'PATCH', path: `/v0/${BASE_ID}/Sessions/${s1}`, body: { fields: { Amount: 99 } } },
      z.unknown(),
    )
    await patch('Pending') // leaves it
    await patch('Pending') // no change at all
    const page = await ok(
      server,
      { method: 'GET', path: `${hooks}/${hook.id}/payloads` },
      listWebhookPayloadsResponseSchema,
    )
    const inView = page.payloads.map(
      (p) => p.changedTablesById?.[sessions.id]?.changedViewsById?.[viewId],
    )
    const amount = sessions.fields.find((f) => f.name === 'Amount')!.id
    expect(inView.map((v) => Object.keys(v ?? {}))).toEqual([
      ['createdRecordsById'],
      ['changedRecordsById'],
      ['destroyedRecordIds'],
    ])
    expect(inView[1]?.changedRecordsById?.[s1]?.current.cellValuesByFieldId).toEqual({
      [amount]: 99,
    })
    expect(inView[2]?.destroyedRecordIds).toEqual([s1])
  })
})
