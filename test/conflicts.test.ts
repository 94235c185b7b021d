/**
 * Issue 4, done-means 4, end to end: conflicts of every policy seen through the HTTP API and the
 * audit log. The app writes with `baseFields` (what it last saw) while the operations team edits
 * the same records in the emulator; the outbox writer (started once every scene is set, so no
 * write is flushed early) settles each field by its policy. Then the operator endpoints and CLI:
 * the manual conflict is listed and resolved over HTTP, a refused write is failed, retried and
 * dropped through `/v1/outbox` and `airsync outbox`, and `airsync audit`/`conflicts` print it.
 *
 * Ingestion is off: the mirror never hears of the ops edits, so each write is accepted against
 * what the app saw, whatever the timing. The policy document declares one field per policy on
 * Presence's own tables (Presence's real document has no `local-wins` field a test can flip).
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { runCli } from '../src/cli/run.ts'
import { createOutboxWriter, type ConflictPolicyDocument } from '../src/outbox/index.ts'
import { loadBaseSchema } from '../src/store/index.ts'
import { sleep } from '../src/shared/index.ts'
import { startStack, type Stack } from './stack.ts'

const OPS = 'Presence Operations'
const MEMBERS = 'Members Registry'
const POLICIES: ConflictPolicyDocument = {
  defaultPolicy: { policy: 'remote-wins', reason: 'Airtable is the system of record.' },
  tables: {
    [OPS]: {
      policy: 'remote-wins',
      reason: 'Ops run bookings.',
      fields: {
        'Cal.com Booking ID': { policy: 'remote-wins', reason: 'Cal.com owns it.' },
        'Transaction ID': { policy: 'local-wins', reason: 'The app observed it.' },
        'Booking Ref': { policy: 'latest-wins', reason: 'The newest edit is intended.' },
        'Booking Status': { policy: 'manual', reason: 'Money rides on it.' },
      },
    },
    [MEMBERS]: {
      policy: 'remote-wins',
      reason: 'Ops own members.',
      fields: { Interests: { policy: 'merge-sets', reason: 'Both sides add tags.' } },
    },
  },
}

interface Raw {
  id: string
  fields: Record<string, unknown>
}

/** The two sides of the manual (held) scene. */
const OPS_STATUS = 'Cancelled'
const APP_STATUS = 'Completed'
const statusIsFree = (r: Raw): boolean =>
  r.fields['Booking Status'] !== OPS_STATUS && r.fields['Booking Status'] !== APP_STATUS

let stack: Stack
let stopWriter: (() => Promise<void>) | undefined
let ops: Raw[]
let member: Raw
/** The mutation ID of each scene's write, by scene. */
const written = new Map<string, string>()

async function json<T>(response: Response): Promise<T> {
  const text = await response.text()
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

/** Airtable's (the emulator's) records of a table, by ID. */
async function upstream(table: string): Promise<Map<string, Raw>> {
  const url = `${stack.emulator.url}/v0/${stack.baseId}/${encodeURIComponent(table)}?pageSize=100`
  const body = await json<{ records: Raw[] }>(
    await fetch(url, { headers: { authorization: `Bearer ${stack.emulator.token}` } }),
  )
  return new Map(body.records.map((r) => [r.id, r]))
}

/** An edit made by the operations team in Airtable's UI. */
async function opsEdit(table: string, record: Raw): Promise<void> {
  const url = `${stack.emulator.url}/__emulator/bases/${stack.baseId}/tables/${encodeURIComponent(table)}/records`
  await json(
    await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.emulator.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ action: 'update', records: [record] }),
    }),
  )
}

/** An async write through airsync with the values the app last saw. @returns its mutation ID */
async function appWrite(
  scene: string,
  write: { table: string; record: Raw; fields: Record<string, unknown>; typecast?: boolean },
): Promise<string> {
  const baseFields = Object.fromEntries(
    Object.keys(write.fields).map((name) => [name, write.record.fields[name] ?? null]),
  )
  const response = await stack.request(
    `/v0/${stack.baseId}/${encodeURIComponent(write.table)}/${write.record.id}`,
    {
      method: 'PATCH',
      token: stack.serviceKey,
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({ fields: write.fields, baseFields, typecast: write.typecast }),
    },
  )
  const body = await json<{ mutations: { id: string }[] }>(response)
  const id = body.mutations[0]?.id ?? ''
  written.set(scene, id)
  return id
}

async function get<T>(path: string, token = stack.serviceKey): Promise<T> {
  return json<T>(await stack.request(path, { token }))
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

async function outboxDepth(): Promise<number> {
  return (await get<{ depth: number }>('/v1/outbox')).depth
}

async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = []
  const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) }
  const code = await runCli([...argv, '--url', stack.url, '--key', stack.serviceKey], {}, io)
  return { code, out: lines.join('\n') }
}

beforeAll(async () => {
  stack = await startStack({ serverConfig: { outboxWriter: 'off', ingest: 'off' } })
  const sessions = [...(await upstream(OPS)).values()]
  // The held scene (4th) needs a session whose status is neither side's new value.
  const free = sessions.find(statusIsFree) ?? fail('no session with a free status')
  const others = sessions.filter((r) => r !== free)
  ops = [...others.slice(0, 3), free, ...others.slice(3, 7)]
  member = [...(await upstream(MEMBERS)).values()][0] ?? fail('no member')
  const [r1, r2, r3, r4, r5, r6, r7] = ops
  if (r1 === undefined || r2 === undefined || r3 === undefined || r4 === undefined) {
    throw new Error('too few sessions')
  }
  const r8 = ops[7]
  if (r5 === undefined || r6 === undefined || r7 === undefined || r8 === undefined) {
    throw new Error('too few sessions')
  }
  // Ops edit first, the app writes later (so its edit is the newer one for latest-wins).
  await opsEdit(OPS, { id: r1.id, fields: { 'Cal.com Booking ID': 'cal-ops' } })
  await opsEdit(OPS, { id: r2.id, fields: { 'Transaction ID': 'txn-ops' } })
  await opsEdit(OPS, { id: r3.id, fields: { 'Booking Ref': 'ref-ops-early' } })
  await opsEdit(OPS, { id: r4.id, fields: { 'Booking Status': OPS_STATUS } })
  await opsEdit(OPS, { id: r5.id, fields: { 'Cal.com Booking ID': 'cal-ops-other-field' } })
  const interests = (member.fields['Interests'] as string[] | undefined) ?? []
  await opsEdit(MEMBERS, {
    id: member.id,
    fields: { Interests: [...interests.filter((i) => i !== 'Cooking'), 'Cooking'] },
  })
  await sleep(20)
  await appWrite('remote-wins', {
    table: OPS,
    record: r1,
    fields: { 'Cal.com Booking ID': 'cal-app' },
  })
  await appWrite('local-wins', { table: OPS, record: r2, fields: { 'Transaction ID': 'txn-app' } })
  await appWrite('latest-wins local', {
    table: OPS,
    record: r3,
    fields: { 'Booking Ref': 'ref-app' },
  })
  await appWrite('manual', { table: OPS, record: r4, fields: { 'Booking Status': APP_STATUS } })
  await appWrite('merge', { table: OPS, record: r5, fields: { 'Transaction ID': 'txn-merged' } })
  await appWrite('merge-sets', {
    table: MEMBERS,
    record: member,
    fields: { Interests: [...interests.filter((i) => i !== 'Music'), 'Music'] },
  })
  // The app writes first, ops later: Airtable's edit is the newer one.
  await appWrite('latest-wins remote', {
    table: OPS,
    record: r6,
    fields: { 'Booking Ref': 'ref-app-early' },
  })
  await sleep(20)
  await opsEdit(OPS, { id: r6.id, fields: { 'Booking Ref': 'ref-ops-late' } })
  // A write Airtable refuses: ops deleted the record, which the mirror does not know.
  await fetch(
    `${stack.emulator.url}/__emulator/bases/${stack.baseId}/tables/${encodeURIComponent(OPS)}/records`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.emulator.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ action: 'delete', records: [r7.id] }),
    },
  )
  await appWrite('refused', { table: OPS, record: r7, fields: { 'Booking Ref': 'gone' } })
  // Two tabs edit one field in turn, both from the same view of it. The first write commits
  // first (its different typecast keeps the two apart, as if it were in flight when the second
  // came), so Airtable's Last Modified is then later than the second edit, yet that edit is the
  // newer one and must win.
  await appWrite('own write first', {
    table: OPS,
    record: r8,
    fields: { 'Booking Ref': 'ref-tab-a' },
    typecast: true,
  })
  await sleep(20)
  await appWrite('own write second', {
    table: OPS,
    record: r8,
    fields: { 'Booking Ref': 'ref-tab-b' },
  })

  const { db, airtable, limiter } = stack.server
  const schema = (await loadBaseSchema(db, stack.baseId))?.schema
  const writer = createOutboxWriter({
    db,
    airtable,
    limiter,
    baseId: stack.baseId,
    getSchema: () => schema,
    conflictPolicies: POLICIES,
    pollIntervalMs: 100,
    retry: { maxAttempts: 1 },
  })
  const running = writer.run()
  stopWriter = async () => {
    await writer.stop()
    await running
  }
  await waitUntil(async () => (await outboxDepth()) === 0, 'the outbox to settle')
}, 180_000)

afterAll(async () => {
  await stopWriter?.()
  await stack.close()
})

function fail(message: string): never {
  throw new Error(message)
}

interface AuditEntryBody {
  action: string
  outcome: string
  source: string
  mutationId?: string
  detail?: { policy?: string; fields?: { fieldId: string; policy: string; resolution: string }[] }
}

/** The `conflict` audit entry of a scene's mutation. */
async function conflictAudit(scene: string): Promise<AuditEntryBody> {
  const mutation = written.get(scene) ?? fail(`no write for ${scene}`)
  const { entries } = await get<{ entries: AuditEntryBody[] }>(`/v1/audit?mutation=${mutation}`)
  return entries.find((e) => e.action === 'conflict') ?? fail(`no conflict audit for ${scene}`)
}

test('each policy settles its field as declared, and Airtable has the result', async () => {
  const [r1, r2, r3, , r5, r6, , r8] = ops
  const sessions = await upstream(OPS)
  const field = (id: string | undefined, name: string): unknown =>
    sessions.get(id ?? '')?.fields[name]
  expect(field(r1?.id, 'Cal.com Booking ID')).toBe('cal-ops')
  expect(field(r2?.id, 'Transaction ID')).toBe('txn-app')
  expect(field(r3?.id, 'Booking Ref')).toBe('ref-app')
  expect(field(r6?.id, 'Booking Ref')).toBe('ref-ops-late')
  // Airtable's stamp of airsync's own earlier write does not beat a newer edit.
  expect(field(r8?.id, 'Booking Ref')).toBe('ref-tab-b')
  // A field nobody else changed merges with ops' edit of another field.
  expect(field(r5?.id, 'Transaction ID')).toBe('txn-merged')
  expect(field(r5?.id, 'Cal.com Booking ID')).toBe('cal-ops-other-field')
  const interests = (await upstream(MEMBERS)).get(member.id)?.fields['Interests'] as string[]
  expect(interests).toEqual(expect.arrayContaining(['Cooking', 'Music']))
})

test.each([
  ['remote-wins', 'remote-wins', 'remote'],
  ['local-wins', 'local-wins', 'local'],
  ['latest-wins local', 'latest-wins', 'local'],
  ['latest-wins remote', 'latest-wins', 'remote'],
  ['own write second', 'latest-wins', 'local'],
  ['merge-sets', 'merge-sets', 'merged'],
])('the audit log shows the %s conflict', async (scene, policy, resolution) => {
  const entry = await conflictAudit(scene)
  expect(entry.source).toBe('outbox')
  expect(entry.detail?.fields?.[0]).toMatchObject({ policy, resolution })
  const mutation = await get<{ state: string }>(`/v1/mutations/${written.get(scene) ?? ''}`)
  expect(mutation.state).toBe('committed')
})

test('a write whose field ops did not touch has no conflict', async () => {
  const mutation = written.get('merge') ?? ''
  const { entries } = await get<{ entries: AuditEntryBody[] }>(`/v1/audit?mutation=${mutation}`)
  expect(entries.map((e) => e.action)).not.toContain('conflict')
  expect(entries.map((e) => e.outcome)).toContain('committed')
})

test('a manual conflict is held, listed, resolved over HTTP and then written', async () => {
  const r4 = ops[3] ?? fail('no r4')
  const held = written.get('manual') ?? ''
  expect((await get<{ state: string }>(`/v1/mutations/${held}`)).state).toBe('conflict')
  const { conflicts } = await get<{
    conflicts: { id: string; recordId: string; policy: string; fields: unknown[] }[]
  }>(`/v1/conflicts?status=open&table=${encodeURIComponent(OPS)}`)
  const conflict = conflicts.find((c) => c.recordId === r4.id) ?? fail('manual conflict not listed')
  expect(conflict.policy).toBe('manual')
  expect(conflict.fields).toEqual([
    expect.objectContaining({
      name: 'Booking Status',
      base: r4.fields['Booking Status'] ?? null,
      local: APP_STATUS,
      remote: OPS_STATUS,
    }),
  ])
  expect((await conflictAudit('manual')).outcome).toBe('conflict')
  // Settled ones are listed with every status, not with status=open.
  const all = await get<{ conflicts: { policy: string; status: string }[] }>('/v1/conflicts')
  expect(all.conflicts.filter((c) => c.status === 'resolved').map((c) => c.policy)).toEqual(
    expect.arrayContaining(['remote-wins', 'local-wins', 'latest-wins', 'merge-sets']),
  )
  const listed = await cli(['conflicts'])
  expect(listed.code).toBe(0)
  expect(listed.out).toContain(conflict.id)
  expect(listed.out).toContain('Booking Status')

  const resolved = await stack.request(`/v1/conflicts/${conflict.id}/resolve`, {
    method: 'POST',
    token: stack.serviceKey,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ choose: 'local' }),
  })
  expect(await json<{ outcome: string }>(resolved)).toMatchObject({ outcome: 'requeued' })
  await waitUntil(
    async () => (await get<{ state: string }>(`/v1/mutations/${held}`)).state === 'committed',
    'the resolved write to commit',
  )
  expect((await upstream(OPS)).get(r4.id)?.fields['Booking Status']).toBe(APP_STATUS)
  const again = await stack.request(`/v1/conflicts/${conflict.id}/resolve`, {
    method: 'POST',
    token: stack.serviceKey,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ choose: 'remote' }),
  })
  expect(again.status).toBe(422)
  const { entries } = await get<{ entries: AuditEntryBody[] }>(`/v1/audit?mutation=${held}`)
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['resolve', 'ack']))
})

test('a refused write is failed, listed, retried and dropped through /v1/outbox and the CLI', async () => {
  const refused = written.get('refused') ?? ''
  const failed = async (): Promise<string[]> =>
    (await get<{ failed: { id: string }[] }>('/v1/outbox')).failed.map((m) => m.id)
  expect(await failed()).toContain(refused)
  const shown = await cli(['outbox'])
  expect(shown.code).toBe(0)
  expect(shown.out).toContain(refused)

  const retry = await stack.request(`/v1/outbox/${refused}/retry`, {
    method: 'POST',
    token: stack.serviceKey,
  })
  expect(await json<{ outcome: string }>(retry)).toMatchObject({ outcome: 'requeued' })
  // Airtable refuses it again (the record is still gone): failed once more.
  await waitUntil(async () => (await failed()).includes(refused), 'the retried write to fail again')
  const attempts = await get<{ attempts: number }>(`/v1/mutations/${refused}`)
  expect(attempts.attempts).toBe(2)

  const dropped = await cli(['outbox', '--drop', refused])
  expect(dropped).toMatchObject({ code: 0 })
  expect(await failed()).not.toContain(refused)
  const twice = await stack.request(`/v1/outbox/${refused}/drop`, {
    method: 'POST',
    token: stack.serviceKey,
  })
  expect(twice.status).toBe(422)
  const unknown = await stack.request('/v1/outbox/mutNoSuchMutation/retry', {
    method: 'POST',
    token: stack.serviceKey,
  })
  expect(unknown.status).toBe(404)
  const audit = await cli(['audit', '--record', ops[6]?.id ?? '', '--limit', '20'])
  expect(audit.code).toBe(0)
  expect(audit.out).toMatch(/requeue/)
  expect(audit.out).toMatch(/drop/)
})

test('members may not see conflicts, the audit log or the outbox', async () => {
  for (const path of ['/v1/conflicts', '/v1/audit', '/v1/outbox']) {
    const response = await stack.request(path, { token: stack.tokens.member })
    expect(response.status, path).toBe(403)
  }
  const admin = await stack.request('/v1/audit?limit=1', { token: stack.tokens.admin })
  expect(admin.status).toBe(200)
  const bad = await stack.request('/v1/audit?from=yesterday', { token: stack.serviceKey })
  expect(bad.status).toBe(422)
})
