/**
 * Issue 4, writes end to end: the emulator (Presence seed) behind a real airsync server, with the
 * outbox writer sending what the write API accepted. A request waits for Airtable and answers
 * Airtable's shapes; `Prefer: respond-async` answers 202 with temporary IDs that resolve to real
 * ones; a member edits their own profile and likes hosts as themselves, and nothing else
 * (done-means 3: refusals queue nothing); a batch above Airtable's 10 is split.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { outboxStats } from '../src/store/index.ts'
import { airtableJsBase } from './run-read-query.ts'
import { DEMO_MEMBER_EMAIL, startStack, type Stack } from './stack.ts'

const MEMBERS = 'Members Registry'
interface Raw {
  id: string
  fields: Record<string, unknown>
}

let stack: Stack
let me: Raw
let otherMember: Raw
let host: Raw

const upstream = (table: string): Promise<Raw[]> =>
  airtableJsBase(
    stack.emulator.url,
    stack.emulator.token,
    stack.baseId,
  )(table)
    .select()
    .all()
    .then((records) => records.map((r) => ({ id: r.id, fields: r.fields })))

const send = (
  method: string,
  table: string,
  init: { token?: string; body?: unknown; path?: string; prefer?: string } = {},
): Promise<Response> =>
  stack.request(`/v0/${stack.baseId}/${encodeURIComponent(table)}${init.path ?? ''}`, {
    method,
    token: init.token ?? stack.serviceKey,
    headers: {
      'content-type': 'application/json',
      ...(init.prefer !== undefined && { prefer: init.prefer }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  })

beforeAll(async () => {
  stack = await startStack()
  // The server runs the outbox writer (config `outboxWriter`, on by default).
  expect(stack.server.writer).toBeDefined()
  const members = await upstream(MEMBERS)
  me = members.find((r) => r.fields['Email'] === DEMO_MEMBER_EMAIL) ?? fail('no demo member')
  otherMember = members.find((r) => r.id !== me.id) ?? fail('no other member')
  host = (await upstream('Hosts Registry'))[0] ?? fail('no host')
}, 180_000)
afterAll(async () => {
  await stack.close()
})

function fail(message: string): never {
  throw new Error(message)
}

test("a member edits their profile: the request waits and answers Airtable's record", async () => {
  const res = await send('PATCH', MEMBERS, {
    token: stack.tokens.member,
    path: `/${me.id}`,
    body: { fields: { 'About You': 'Written through airsync' } },
  })
  expect(res.status).toBe(200)
  const record = (await res.json()) as Raw
  expect(record.id).toBe(me.id)
  expect(record.fields['About You']).toBe('Written through airsync')
  expect(record.fields['Stripe Customer ID']).toBeUndefined()
  const inAirtable = (await upstream(MEMBERS)).find((r) => r.id === me.id)
  expect(inAirtable?.fields['About You']).toBe('Written through airsync')
})

test('a member is refused other rows and forbidden fields, and nothing is queued', async () => {
  const before = await outboxStats(stack.server.db, stack.baseId)
  const attempts: [string, unknown, number][] = [
    [`/${otherMember.id}`, { 'About You': 'x' }, 403],
    [`/${me.id}`, { 'Verification Status': 'Verified' }, 403],
    [`/${me.id}`, { 'Stripe Customer ID': 'cus_x' }, 403],
  ]
  for (const [path, fields, status] of attempts) {
    const res = await send('PATCH', MEMBERS, { token: stack.tokens.member, path, body: { fields } })
    expect(res.status).toBe(status)
  }
  const like = await send('POST', 'Likes', {
    token: stack.tokens.member,
    body: { fields: { Member: [otherMember.id], Host: [host.id], Direction: 'Member → Host' } },
  })
  expect(like.status).toBe(403)
  expect(await outboxStats(stack.server.db, stack.baseId)).toEqual(before)
})

test('a member likes a host as themselves', async () => {
  const res = await send('POST', 'Likes', {
    token: stack.tokens.member,
    body: { fields: { Member: [me.id], Host: [host.id], Direction: 'Member → Host' } },
  })
  expect(res.status).toBe(200)
  const like = (await res.json()) as Raw
  expect(like.id).toMatch(/^rec[A-Za-z0-9]{14}$/)
  expect((await upstream('Likes')).some((r) => r.id === like.id)).toBe(true)
})

test("async: 202 with a temporary ID that resolves to Airtable's", async () => {
  const res = await send('POST', 'Templates', {
    prefer: 'respond-async',
    body: { fields: { 'Template Name': 'Async template' }, typecast: true },
  })
  expect(res.status).toBe(202)
  const [mutation] = ((await res.json()) as { mutations: { id: string; recordId: string }[] })
    .mutations
  expect(mutation?.recordId).toMatch(/^tmp/)
  let status: { state: string; recordId?: string } = { state: 'queued' }
  while (status.state === 'queued' || status.state === 'sending') {
    await new Promise((resolve) => setTimeout(resolve, 50))
    const reply = await stack.request(`/v1/mutations/${mutation?.id ?? ''}`, {
      token: stack.serviceKey,
    })
    status = (await reply.json()) as typeof status
  }
  expect(status.state).toBe('committed')
  expect(status.recordId).toMatch(/^rec/)
  expect((await upstream('Templates')).some((r) => r.id === status.recordId)).toBe(true)

  // The temporary ID still names the record after its create committed (a queued edit sent late).
  const late = await send('PATCH', 'Templates', {
    path: `/${mutation?.recordId ?? ''}`,
    body: { fields: { 'Template Name': 'Async template, renamed' } },
  })
  expect(late.status).toBe(200)
  expect(((await late.json()) as Raw).id).toBe(status.recordId)
  const renamed = (await upstream('Templates')).find((r) => r.id === status.recordId)
  expect(renamed?.fields['Template Name']).toBe('Async template, renamed')
})

test('a batch of 12 creates is split for Airtable and answered as one', async () => {
  const before = (await upstream('Templates')).length
  const records = Array.from({ length: 12 }, (_, i) => ({
    fields: { 'Template Name': `Batch ${i}` },
  }))
  const res = await send('POST', 'Templates', { body: { records } })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { records: Raw[] }
  expect(body.records.map((r) => r.fields['Template Name'])).toEqual(
    records.map((r) => r.fields['Template Name']),
  )
  expect((await upstream('Templates')).length).toBe(before + 12)
})

test('upsert: one record matched and updated, one created, as Airtable reports them', async () => {
  const templates = await upstream('Templates')
  const nameOf = (r: Raw): unknown => r.fields['Template Name']
  // The merge value must name exactly one record (more is Airtable's 422).
  const existing = templates.find(
    (r) => nameOf(r) !== undefined && templates.filter((t) => nameOf(t) === nameOf(r)).length === 1,
  )
  const name = String(existing === undefined ? fail('no unique template') : nameOf(existing))
  const res = await send('PATCH', 'Templates', {
    body: {
      performUpsert: { fieldsToMergeOn: ['Template Name'] },
      records: [
        { fields: { 'Template Name': name, 'Message Body': 'Updated by upsert' } },
        { fields: { 'Template Name': 'Created by upsert', 'Message Body': 'New' } },
      ],
    },
  })
  expect(res.status).toBe(200)
  const body = (await res.json()) as {
    records: Raw[]
    createdRecords: string[]
    updatedRecords: string[]
  }
  expect(body.updatedRecords).toEqual([existing?.id])
  expect(body.createdRecords).toEqual([body.records[1]?.id])
  expect(body.records[0]?.fields['Message Body']).toBe('Updated by upsert')
})

test('a member marks joining their own session, and may not touch its payment', async () => {
  const sessions = await upstream('Presence Operations')
  const mine = sessions.find((r) =>
    (r.fields['Member Email'] as unknown[] | undefined)?.includes(DEMO_MEMBER_EMAIL),
  )
  const path = `/${mine?.id ?? fail('no session of the demo member')}`
  const joined = await send('PATCH', 'Presence Operations', {
    token: stack.tokens.member,
    path,
    body: { fields: { 'Member Joined': true } },
  })
  expect(joined.status).toBe(200)
  expect(((await joined.json()) as Raw).fields['Member Joined']).toBe(true)
  const paid = await send('PATCH', 'Presence Operations', {
    token: stack.tokens.member,
    path,
    body: { fields: { 'Payment Status': 'Paid' } },
  })
  expect(paid.status).toBe(403)
})
