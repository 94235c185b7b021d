/**
 * Issue 3, "done means" 3: a member cannot read another member's row or a host's email by any
 * route — list, get, views, formulas such as `OR(1, …)`, field lists (names or IDs), sorts and
 * filters on hidden fields, POST listRecords, string cell format, field IDs, offsets reused
 * across users, metadata — and an expired or forged JWT gets 401.
 *
 * Every answer a member receives is also searched, as raw text, for any secret: another member's
 * email or record ID, any host's email, phone or Stripe ID. Errors must not leak either.
 */
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { issueDevToken } from '../src/policy/index.ts'
import { airtableJsBase } from './run-read-query.ts'
import { DEMO_HOST_EMAIL, DEMO_MEMBER_EMAIL, startStack, type Stack } from './stack.ts'

const MEMBERS = 'Members Registry'
const HOSTS = 'Hosts Registry'
const SESSIONS = 'Presence Operations'

interface Raw {
  id: string
  fields: Record<string, unknown>
}
interface Meta {
  tables: {
    id: string
    name: string
    fields: { id: string; name: string }[]
    views: { id: string; name: string }[]
  }[]
}

let stack: Stack
let upstream: Record<string, Raw[]>
let meta: Meta
let secrets: string[]
let me: Raw

beforeAll(async () => {
  stack = await startStack()
  const base = airtableJsBase(stack.emulator.url, stack.emulator.token, stack.baseId)
  upstream = {}
  for (const table of [MEMBERS, HOSTS, SESSIONS, 'Likes']) {
    const records = await base(table).select().all()
    upstream[table] = records.map((r) => ({ id: r.id, fields: r.fields }))
  }
  const response = await fetch(`${stack.emulator.url}/v0/meta/bases/${stack.baseId}/tables`, {
    headers: { authorization: `Bearer ${stack.emulator.token}` },
  })
  meta = (await response.json()) as Meta
  me = rows(MEMBERS).find((r) => r.fields['Email'] === DEMO_MEMBER_EMAIL) ?? fail('no demo member')
  const others = rows(MEMBERS).filter((r) => r.id !== me.id)
  secrets = [
    ...others.map((r) => r.id),
    ...others.map((r) => String(r.fields['Email'])),
    String(me.fields['Stripe Customer ID']),
    ...rows(HOSTS).flatMap((r) =>
      ['Email', 'Mobile Number', 'Stripe Connect ID'].map((f) => String(r.fields[f])),
    ),
  ]
}, 180_000)
afterAll(async () => {
  await stack.close()
})

function fail(message: string): never {
  throw new Error(message)
}
const rows = (table: string): Raw[] => upstream[table] ?? fail(`no upstream ${table}`)
const tableMeta = (name: string): Meta['tables'][number] =>
  meta.tables.find((t) => t.name === name) ?? fail(`no table ${name}`)
const fieldId = (table: string, field: string): string =>
  tableMeta(table).fields.find((f) => f.name === field)?.id ?? fail(`no field ${field}`)
const viewId = (table: string, view: string): string =>
  tableMeta(table).views.find((v) => v.name === view)?.id ?? fail(`no view ${view}`)
const linked = (record: Raw, field: string): string[] =>
  (record.fields[field] as string[] | undefined) ?? []

/** Formula errors lower-case field names, so compare case-insensitively. */
function expectNoSecret(text: string): void {
  const lower = text.toLowerCase()
  const leaked = secrets.filter((s) => lower.includes(s.toLowerCase()))
  expect(leaked, text.slice(0, 300)).toEqual([])
}

interface Answer {
  status: number
  text: string
  records: Raw[]
  offset: string | undefined
}

interface ProbeInit {
  /** @default the demo member's token */
  token?: string
  method?: 'GET' | 'POST'
  body?: unknown
}

/** Sends a request to `/v0/{baseId}/{path}`; a member's answer is checked for secrets. */
/**
 * Sends, waiting out 429s as Retry-After says (as a client would): this file sends hundreds of
 * requests as one member, and on a fast machine outruns the per-user rate limit (20/s), which is
 * not what it tests.
 */
async function politely(send: () => Promise<Response>): Promise<Response> {
  let response = await send()
  while (response.status === 429) {
    await response.body?.cancel()
    const seconds = Number(response.headers.get('retry-after') ?? '1')
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
    response = await send()
  }
  return response
}

async function probe(path: string, init: ProbeInit = {}): Promise<Answer> {
  const token = init.token ?? stack.tokens.member
  const send = (): Promise<Response> =>
    stack.request(`/v0/${stack.baseId}/${path}`, {
      token,
      method: init.method ?? 'GET',
      ...(init.body !== undefined && {
        body: JSON.stringify(init.body),
        headers: { 'content-type': 'application/json' },
      }),
    })
  const response = await politely(send)
  const text = await response.text()
  if (token === stack.tokens.member) expectNoSecret(text)
  let body: { records?: Raw[]; offset?: string; id?: string; fields?: Record<string, unknown> } = {}
  try {
    body = JSON.parse(text) as typeof body
  } catch {
    // Not JSON: the status says enough.
  }
  const single = body.id === undefined ? [] : [{ id: body.id, fields: body.fields ?? {} }]
  return { status: response.status, text, records: body.records ?? single, offset: body.offset }
}

/** `Table?query` with repeated keys for arrays. */
function list(table: string, query: Record<string, string | string[]> = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v)
  }
  const qs = params.toString()
  return `${encodeURIComponent(table)}${qs === '' ? '' : `?${qs}`}`
}

const isRefusal = (status: number): boolean => status >= 400 && status < 500 && status !== 429

describe("a member and other members' rows", () => {
  test.each<[string, () => string]>([
    ['plain list', () => list(MEMBERS)],
    ['table by ID', () => list(tableMeta(MEMBERS).id)],
    ['OR(1, …)', () => list(MEMBERS, { filterByFormula: 'OR(1, {Email})' })],
    ['TRUE()', () => list(MEMBERS, { filterByFormula: 'TRUE()' })],
    [
      'OR with RECORD_ID() of another member',
      () =>
        list(MEMBERS, {
          filterByFormula: `OR(TRUE(), RECORD_ID() = '${rows(MEMBERS)[7]?.id ?? ''}')`,
        }),
    ],
    [
      'NOT of their own email',
      () => list(MEMBERS, { filterByFormula: `OR(NOT({Email} = '${DEMO_MEMBER_EMAIL}'), 1)` }),
    ],
    ['the grid view', () => list(MEMBERS, { view: 'Grid view' })],
    ['the grid view by ID', () => list(MEMBERS, { view: viewId(MEMBERS, 'Grid view') })],
    [
      'string cell format',
      () => list(MEMBERS, { cellFormat: 'string', timeZone: 'utc', userLocale: 'en-us' }),
    ],
    [
      'sorted by email desc',
      () => list(MEMBERS, { 'sort[0][field]': 'Email', 'sort[0][direction]': 'desc' }),
    ],
    [
      'fields by ID, returned by ID',
      () =>
        list(MEMBERS, { 'fields[]': [fieldId(MEMBERS, 'Email')], returnFieldsByFieldId: 'true' }),
    ],
  ])('%s shows only their own row', async (_, path) => {
    const answer = await probe(path())
    expect(answer.status, answer.text.slice(0, 200)).toBe(200)
    expect(answer.records.map((r) => r.id)).toEqual([me.id])
  })

  test('POST listRecords with OR(1, 1) shows only their own row', async () => {
    const answer = await probe(`${encodeURIComponent(MEMBERS)}/listRecords`, {
      method: 'POST',
      body: { filterByFormula: 'OR(1, 1)', pageSize: 100 },
    })
    expect(answer.status).toBe(200)
    expect(answer.records.map((r) => r.id)).toEqual([me.id])
  })

  test('RECORD_ID() of another member matches nothing', async () => {
    const other = rows(MEMBERS)[3]?.id ?? ''
    const answer = await probe(list(MEMBERS, { filterByFormula: `RECORD_ID() = '${other}'` }))
    expect(answer.status).toBe(200)
    expect(answer.records).toEqual([])
  })

  test("getting another member's record by ID answers 404", async () => {
    for (const other of rows(MEMBERS).slice(1, 4)) {
      const answer = await probe(`${encodeURIComponent(MEMBERS)}/${other.id}`)
      expect(answer.status).toBe(404)
    }
    const own = await probe(`${encodeURIComponent(MEMBERS)}/${me.id}`)
    expect(own.status).toBe(200)
    expect(own.records[0]?.fields['Email']).toBe(DEMO_MEMBER_EMAIL)
  })

  test('their own Stripe Customer ID stays hidden: by name, by ID, in a filter', async () => {
    const byName = await probe(list(MEMBERS, { 'fields[]': 'Stripe Customer ID' }))
    const byId = await probe(list(MEMBERS, { 'fields[]': fieldId(MEMBERS, 'Stripe Customer ID') }))
    const filtered = await probe(
      list(MEMBERS, { filterByFormula: 'LEN({Stripe Customer ID}) > 0' }),
    )
    expect([byName.status, byId.status, filtered.status].map(isRefusal)).toEqual([true, true, true])
  })

  test("another table's view is refused or shows only their own row", async () => {
    const answer = await probe(list(MEMBERS, { view: viewId(HOSTS, 'Active Hosts') }))
    if (answer.status === 200) expect(answer.records.map((r) => r.id)).toEqual([me.id])
    else expect(isRefusal(answer.status)).toBe(true)
  })

  test("an admin's offset does not open other members' rows", async () => {
    const admin = await probe(list(MEMBERS, { pageSize: '5' }), { token: stack.tokens.admin })
    expect(admin.records).toHaveLength(5)
    expect(admin.offset).toBeDefined()
    const reused = await probe(list(MEMBERS, { pageSize: '5', offset: admin.offset ?? '' }))
    if (reused.status === 200) expect(reused.records.every((r) => r.id === me.id)).toBe(true)
    else expect(isRefusal(reused.status)).toBe(true)
    const posted = await probe(`${encodeURIComponent(MEMBERS)}/listRecords`, {
      method: 'POST',
      body: { pageSize: 5, offset: admin.offset },
    })
    expect(posted.records.every((r) => r.id === me.id)).toBe(true)
  })

  test('their likes are their own', async () => {
    const answer = await probe(list('Likes'))
    expect(answer.status).toBe(200)
    const expected = rows('Likes').filter((r) => linked(r, 'Member').includes(me.id))
    expect(expected.length).toBeGreaterThan(0)
    expect(answer.records.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort())
  })
})

describe("a member and hosts' private fields", () => {
  const hidden = ['Email', 'Mobile Number', 'Stripe Connect ID']
  const active = (): Raw[] => rows(HOSTS).filter((r) => r.fields['Host Status'] === 'Active')

  test.each<[string, () => string]>([
    ['plain list', () => list(HOSTS)],
    ['OR(1, …) over a public field', () => list(HOSTS, { filterByFormula: 'OR(1, {Full Name})' })],
    [
      'string cell format',
      () => list(HOSTS, { cellFormat: 'string', timeZone: 'Europe/Paris', userLocale: 'fr' }),
    ],
    ['returnFieldsByFieldId', () => list(HOSTS, { returnFieldsByFieldId: 'true' })],
  ])('%s: active hosts only, no private field', async (_, path) => {
    const answer = await probe(path())
    expect(answer.status).toBe(200)
    expect(answer.records.map((r) => r.id).sort()).toEqual(
      active()
        .map((r) => r.id)
        .sort(),
    )
    const privateKeys = [...hidden, ...hidden.map((f) => fieldId(HOSTS, f))]
    for (const record of answer.records) {
      expect(Object.keys(record.fields).filter((k) => privateKeys.includes(k))).toEqual([])
    }
  })

  test('the Active Hosts view: a subset of the active hosts, no private field', async () => {
    const answer = await probe(list(HOSTS, { view: 'Active Hosts' }))
    expect(answer.status).toBe(200)
    const ids = new Set(active().map((r) => r.id))
    expect(answer.records.length).toBeGreaterThan(0)
    expect(answer.records.every((r) => ids.has(r.id))).toBe(true)
    expect(answer.records.some((r) => hidden.some((f) => f in r.fields))).toBe(false)
  })

  test.each<[string, () => string]>([
    ['fields[] by name', () => list(HOSTS, { 'fields[]': ['Full Name', 'Email'] })],
    ['fields[] by ID', () => list(HOSTS, { 'fields[]': fieldId(HOSTS, 'Email') })],
    ['sort by email', () => list(HOSTS, { 'sort[0][field]': 'Email' })],
    [
      'sort by phone, by ID',
      () => list(HOSTS, { 'sort[0][field]': fieldId(HOSTS, 'Mobile Number') }),
    ],
    ['filter on email', () => list(HOSTS, { filterByFormula: `{Email} = '${DEMO_HOST_EMAIL}'` })],
    ['OR(1, email)', () => list(HOSTS, { filterByFormula: 'OR(1, {Email})' })],
    ['email as an oracle', () => list(HOSTS, { filterByFormula: "LEFT({Email}, 1) = 'a'" })],
    [
      'Stripe ID inside IF',
      () => list(HOSTS, { filterByFormula: "IF(FIND('acct', {Stripe Connect ID}), 1, 1)" }),
    ],
  ])('%s is refused', async (_, path) => {
    const answer = await probe(path())
    expect(isRefusal(answer.status), `${answer.status} ${answer.text.slice(0, 200)}`).toBe(true)
  })

  test('POST listRecords with a hidden sort or field is refused', async () => {
    const path = `${encodeURIComponent(HOSTS)}/listRecords`
    const sorted = await probe(path, { method: 'POST', body: { sort: [{ field: 'Email' }] } })
    const fields = await probe(path, { method: 'POST', body: { fields: ['Stripe Connect ID'] } })
    expect(isRefusal(sorted.status)).toBe(true)
    expect(isRefusal(fields.status)).toBe(true)
  })

  test('get: an active host without private fields; an inactive host not at all', async () => {
    const host = active()[0] ?? fail('no active host')
    const answer = await probe(`${encodeURIComponent(HOSTS)}/${host.id}`)
    expect(answer.status).toBe(200)
    const keys = Object.keys(answer.records[0]?.fields ?? {})
    expect(keys.filter((k) => hidden.includes(k))).toEqual([])
    const inactive = rows(HOSTS).find((r) => r.fields['Host Status'] !== 'Active') ?? fail('none')
    expect((await probe(`${encodeURIComponent(HOSTS)}/${inactive.id}`)).status).toBe(404)
  })

  test('the metadata does not list hidden fields', async () => {
    const response = await stack.request(`/v0/meta/bases/${stack.baseId}/tables`, {
      token: stack.tokens.member,
    })
    const text = await response.text()
    expectNoSecret(text)
    if (response.status !== 200) {
      expect(isRefusal(response.status)).toBe(true)
      return
    }
    const hosts = (JSON.parse(text) as Meta).tables.find((t) => t.name === HOSTS)
    expect(hosts?.fields.map((f) => f.name).filter((n) => hidden.includes(n)) ?? []).toEqual([])
  })
})

describe("a member's sessions", () => {
  const mine = (): Raw[] => rows(SESSIONS).filter((r) => linked(r, 'Member').includes(me.id))

  test.each<[string, () => string]>([
    ['plain list', () => list(SESSIONS)],
    ['OR(1, 1)', () => list(SESSIONS, { filterByFormula: 'OR(1, 1)' })],
    [
      'string cell format',
      () => list(SESSIONS, { cellFormat: 'string', timeZone: 'utc', userLocale: 'en-gb' }),
    ],
  ])('%s: only their own, never the host email', async (_, path) => {
    const answer = await probe(path())
    expect(answer.status).toBe(200)
    expect(answer.records.map((r) => r.id).sort()).toEqual(
      mine()
        .map((r) => r.id)
        .sort(),
    )
    expect(answer.records.some((r) => 'Host Email' in r.fields)).toBe(false)
  })

  test('the Upcoming view: only their own upcoming sessions', async () => {
    const answer = await probe(list(SESSIONS, { view: 'Upcoming' }))
    expect(answer.status).toBe(200)
    const ids = new Set(mine().map((r) => r.id))
    expect(answer.records.length).toBeGreaterThan(0)
    expect(answer.records.every((r) => ids.has(r.id))).toBe(true)
  })

  test('host email by field list, filter or sort is refused', async () => {
    for (const path of [
      list(SESSIONS, { 'fields[]': 'Host Email' }),
      list(SESSIONS, { filterByFormula: `OR(1, {Host Email} = '${DEMO_HOST_EMAIL}')` }),
      list(SESSIONS, { 'sort[0][field]': 'Host Email' }),
    ]) {
      expect(isRefusal((await probe(path)).status), path).toBe(true)
    }
  })

  test("another member's session answers 404", async () => {
    const theirs = rows(SESSIONS).find((r) => !linked(r, 'Member').includes(me.id))
    const answer = await probe(`${encodeURIComponent(SESSIONS)}/${theirs?.id ?? ''}`)
    expect(answer.status).toBe(404)
  })
})

describe('a host', () => {
  test("sees only their sessions' members, by name only", async () => {
    const answer = await probe(list(MEMBERS), { token: stack.tokens.host })
    expect(answer.status).toBe(200)
    expect(answer.records.length).toBeGreaterThan(0)
    for (const record of answer.records) expect(Object.keys(record.fields)).toEqual(['Full Name'])
    const members = new Set(
      rows(SESSIONS)
        .filter((r) => linked(r, 'Host Email').includes(DEMO_HOST_EMAIL))
        .flatMap((r) => linked(r, 'Member')),
    )
    expect(answer.records.every((r) => members.has(r.id))).toBe(true)
  })
})

describe('authentication', () => {
  const status = async (authorization: string | undefined): Promise<number> => {
    const response = await politely(() =>
      stack.request(`/v0/${stack.baseId}/${list(MEMBERS)}`, {
        ...(authorization !== undefined && { headers: { authorization } }),
      }),
    )
    await response.text()
    return response.status
  }
  const sign = (secret: string, claims: Record<string, unknown>): Promise<string> =>
    new SignJWT({ email: DEMO_MEMBER_EMAIL, role: 'authenticated', app_role: 'member', ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('user-forged')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(secret))
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

  test('a valid member token is accepted (the baseline)', async () => {
    expect(await status(`Bearer ${stack.tokens.member}`)).toBe(200)
  })

  test.each<[string, () => string | undefined | Promise<string>]>([
    ['no header', () => undefined],
    ['an empty bearer', () => 'Bearer '],
    ['garbage', () => 'Bearer not.a.jwt'],
    ['the Airtable token', () => `Bearer ${stack.emulator.token}`],
    ['a near-miss service key', () => `Bearer ${stack.serviceKey}x`],
    [
      'an expired token',
      async () => {
        const token = await issueDevToken({
          secret: stack.jwtSecret,
          sub: 'user-expired',
          email: DEMO_MEMBER_EMAIL,
          role: 'member',
          ttlSeconds: -120,
        })
        return `Bearer ${token}`
      },
    ],
    [
      'a token signed with another secret',
      async () => `Bearer ${await sign('another-secret-of-enough-length-0000', {})}`,
    ],
    [
      'an unknown role',
      async () => `Bearer ${await sign(stack.jwtSecret, { app_role: 'superuser' })}`,
    ],
    [
      'alg none',
      () => {
        const exp = Math.floor(Date.now() / 1000) + 600
        const claims = { sub: 'x', email: DEMO_MEMBER_EMAIL, app_role: 'admin', exp }
        return `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`
      },
    ],
    [
      'a tampered payload (email swapped, signature kept)',
      () => {
        const [header, payload, signature] = stack.tokens.member.split('.')
        const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as object
        const swapped = b64({ ...claims, email: DEMO_HOST_EMAIL, app_role: 'admin' })
        return `Bearer ${header ?? ''}.${swapped}.${signature ?? ''}`
      },
    ],
  ])('%s gets 401', async (_, header) => {
    expect(await status(await header())).toBe(401)
  })
})
