/**
 * Issue 4, writes end to end: the emulator (Presence seed) behind a real airsync server, with the
 * outbox writer sending what the write API accepted. A request waits for Airtable and answers
 * Airtable's shapes; `Prefer: respond-async` answers 202 with temporary IDs that resolve to real
 * ones; a member edits their own profile and likes hosts as themselves, and nothing else
 * (done-means 3: refusals queue nothing); a batch above Airtable's 10 is split. A link cell may
 * name a create's temporary ID: sent once the create commits, with Airtable's ID, or failed
 * with it.
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
    // Another member's row answers as a missing one (422 ROW_DOES_NOT_EXIST).
    [`/${otherMember.id}`, { 'About You': 'x' }, 422],
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

interface Status {
  state: string
  recordId?: string
  error?: { type: string; message: string; status: number }
}

/** Polls `GET /v1/mutations/{id}` until the mutation is settled. */
async function settled(mutationId: string): Promise<Status> {
  for (;;) {
    const reply = await stack.request(`/v1/mutations/${mutationId}`, { token: stack.serviceKey })
    const status = (await reply.json()) as Status
    if (status.state !== 'queued' && status.state !== 'sending') return status
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** An async write's only mutation. */
async function accepted(res: Response): Promise<{ id: string; recordId: string }> {
  expect(res.status).toBe(202)
  const [mutation] = ((await res.json()) as { mutations: { id: string; recordId: string }[] })
    .mutations
  return mutation ?? fail('no mutation')
}

const read = async (table: string, id: string): Promise<Raw> => {
  const res = await send('GET', table, { path: `/${id}` })
  expect(res.status).toBe(200)
  return (await res.json()) as Raw
}

/** No record of the emulator's base names a temporary ID in any cell. */
function noTempIdUpstream(): void {
  const base = stack.emulator.running.emulator.bases.require(stack.baseId)
  for (const table of base.schema().tables) {
    expect(JSON.stringify(base.list(table.id).map((r) => r.cells))).not.toMatch(
      /tmp[A-Za-z0-9]{14}/,
    )
  }
}

const faults = (): { set(input: Record<string, unknown>): unknown } =>
  stack.emulator.running.emulator.faults

test('a link names the temporary ID of a create still in the outbox: sent with the real ID', async () => {
  const sessions = await upstream('Presence Operations')
  const session = sessions[0] ?? fail('no session')
  // Airtable answers nothing for now: the host's create stays in the outbox.
  faults().set({ errorRate: 1, errorStatuses: [503] })
  let hostCreate: { id: string; recordId: string }
  let like: { id: string; recordId: string }
  let booking: { id: string; recordId: string }
  try {
    hostCreate = await accepted(
      await send('POST', 'Hosts Registry', {
        prefer: 'respond-async',
        body: { fields: { 'Full Name': 'Host created async' } },
      }),
    )
    const tmpHost = hostCreate.recordId
    like = await accepted(
      await send('POST', 'Likes', {
        token: stack.tokens.member,
        prefer: 'respond-async',
        body: { fields: { Member: [me.id], Host: [tmpHost], Direction: 'Member → Host' } },
      }),
    )
    booking = await accepted(
      await send('PATCH', 'Presence Operations', {
        prefer: 'respond-async',
        path: `/${session.id}`,
        body: { fields: { Host: [tmpHost] } },
      }),
    )
    // Until the create commits, the mirror shows the link as accepted.
    expect((await read('Likes', like.recordId)).fields['Host']).toEqual([tmpHost])
    expect((await read('Presence Operations', session.id)).fields['Host']).toEqual([tmpHost])
  } finally {
    faults().set({})
  }
  const host = await settled(hostCreate.id)
  expect(host.state).toBe('committed')
  const realHost = host.recordId ?? fail('no real host ID')
  expect(await settled(like.id)).toMatchObject({ state: 'committed' })
  expect(await settled(booking.id)).toMatchObject({ state: 'committed' })
  const likeId = (await settled(like.id)).recordId ?? fail('no like ID')
  expect((await upstream('Likes')).find((r) => r.id === likeId)?.fields['Host']).toEqual([realHost])
  expect(
    (await upstream('Presence Operations')).find((r) => r.id === session.id)?.fields['Host'],
  ).toEqual([realHost])
  // Reads through airsync show Airtable's ID, never the temporary one.
  expect((await read('Likes', likeId)).fields['Host']).toEqual([realHost])
  expect((await read('Presence Operations', session.id)).fields['Host']).toEqual([realHost])
  noTempIdUpstream()
})

test('a link names the temporary ID of a create that committed: Airtable’s ID at once', async () => {
  const host = await accepted(
    await send('POST', 'Hosts Registry', {
      prefer: 'respond-async',
      body: { fields: { 'Full Name': 'Host committed first' } },
    }),
  )
  const realHost = (await settled(host.id)).recordId ?? fail('no real host ID')
  const res = await send('POST', 'Likes', {
    token: stack.tokens.member,
    body: { fields: { Member: [me.id], Host: [host.recordId], Direction: 'Member → Host' } },
  })
  expect(res.status).toBe(200)
  const like = (await res.json()) as Raw
  expect(like.fields['Host']).toEqual([realHost])
  expect((await upstream('Likes')).find((r) => r.id === like.id)?.fields['Host']).toEqual([
    realHost,
  ])
})

test('a link to a create that fails fails too (ROW_DOES_NOT_EXIST); no temporary ID is sent', async () => {
  const base = stack.emulator.running.emulator.bases.require(stack.baseId)
  const system = { source: 'system' as const }
  const field = base.table('Hosts Registry').fields.find((f) => f.name === 'Host Status')
  const choices = (field?.options?.['choices'] ?? []) as { name: string }[]
  const gone = choices[0]?.name ?? fail('no Host Status choice')
  const likesBefore = (await upstream('Likes')).length
  faults().set({ errorRate: 1, errorStatuses: [503] })
  let host: { id: string; recordId: string }
  let like: { id: string; recordId: string }
  try {
    host = await accepted(
      await send('POST', 'Hosts Registry', {
        prefer: 'respond-async',
        body: { fields: { 'Full Name': 'Host Airtable refuses', 'Host Status': gone } },
      }),
    )
    like = await accepted(
      await send('POST', 'Likes', {
        token: stack.tokens.member,
        prefer: 'respond-async',
        body: { fields: { Member: [me.id], Host: [host.recordId], Direction: 'Member → Host' } },
      }),
    )
    // Airtable no longer has the option airsync accepted: it refuses the host's create (422).
    base.updateField(
      'Hosts Registry',
      { field: 'Host Status', options: { choices: choices.slice(1) } },
      system,
    )
  } finally {
    faults().set({})
  }
  try {
    expect(await settled(host.id)).toMatchObject({ state: 'failed', error: { status: 422 } })
    expect(await settled(like.id)).toMatchObject({
      state: 'failed',
      error: { type: 'ROW_DOES_NOT_EXIST', status: 422 },
    })
    // Failed by airsync before sending: Airtable never saw the temporary ID.
    expect((await settled(like.id)).error?.message).toBe(
      `Record ID ${host.recordId} does not exist in this table: its create did not reach Airtable`,
    )
  } finally {
    base.updateField('Hosts Registry', { field: 'Host Status', options: { choices } }, system)
  }
  // The like's optimistic row is gone, as any refused create's; Airtable never saw it.
  expect((await send('GET', 'Likes', { path: `/${like.recordId}` })).status).toBe(404)
  expect((await upstream('Likes')).length).toBe(likesBefore)
  noTempIdUpstream()
})

test('a link to an unknown temporary ID, or to another table’s create, is 422; nothing queued', async () => {
  const template = await accepted(
    await send('POST', 'Templates', {
      prefer: 'respond-async',
      body: { fields: { 'Template Name': 'Not a host' } },
    }),
  )
  await settled(template.id)
  const before = await outboxStats(stack.server.db, stack.baseId)
  for (const tmp of ['tmpNoSuchCreate01', template.recordId]) {
    const res = await send('POST', 'Likes', {
      prefer: 'respond-async',
      body: { fields: { Member: [me.id], Host: [tmp], Direction: 'Member → Host' } },
    })
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({
      error: {
        type: 'ROW_DOES_NOT_EXIST',
        message: `Record ID ${tmp} does not exist in this table`,
      },
    })
  }
  expect(await outboxStats(stack.server.db, stack.baseId)).toEqual(before)
})
