import { afterAll, beforeAll, expect, test } from 'vitest'
import { issueDevToken } from '../policy/index.ts'
import { ManualClock } from '../shared/index.ts'
import { testBackends, type TestDb } from '../store/test-backends.ts'
import {
  apiFixture,
  BASE_ID,
  fillStore,
  JWT_SECRET,
  MEMBERS,
  type ApiFixture,
} from './test-fixture.ts'
import type { StrongRead } from './options.ts'

const M = `/v0/${BASE_ID}/Members`
const H = `/v0/${BASE_ID}/Hosts`
type ListBody = { records: { id: string; fields: Record<string, unknown> }[] }
const ids = async (res: Response): Promise<string[]> => {
  expect(res.status).toBe(200)
  return ((await res.json()) as ListBody).records.map((r) => r.id)
}
const errorType = async (res: Response): Promise<unknown> =>
  ((await res.json()) as { error: { type: string } }).error.type

/** A page as Airtable pages: its offset names the next record (`itr…/recNext`). */
function airtablePage(offset: string | undefined, pageSize: number): object {
  const start = offset === undefined ? 0 : MEMBERS.findIndex((m) => offset.endsWith(`/${m.id}`))
  if (start < 0) return { records: [] }
  const records = MEMBERS.slice(start, start + pageSize)
  const next = MEMBERS[start + pageSize]
  return next === undefined ? { records } : { records, offset: `itrUpstream0000/${next.id}` }
}

for (const backend of testBackends()) {
  let db: TestDb
  let api: ApiFixture
  let ann: string
  const strongCalls: StrongRead[] = []
  beforeAll(async () => {
    db = await backend.open()
    await fillStore(db)
    // The strong-read port answers like Airtable would: every member, fields by ID.
    api = apiFixture(db, {
      strongRead: (read) => {
        strongCalls.push(read)
        return Promise.resolve(
          read.kind === 'list'
            ? airtablePage(read.params.offset, read.params.pageSize)
            : (MEMBERS.find((m) => m.id === read.recordId) ?? {}),
        )
      },
    })
    ann = await api.token('member', 'ann@x.com')
  })
  afterAll(async () => {
    await db[Symbol.asyncDispose]()
  })

  test(`${backend.name}: a member lists only their own row, whatever the formula`, async () => {
    expect(await ids(await api.get(M, ann))).toEqual(['recMemberAnn0001'])
    for (const formula of [
      'OR(1, {Email} = "bob@x.com")',
      'TRUE()',
      '{Email} = "bob@x.com"',
      'OR(1, 1)',
    ]) {
      const res = await api.get(`${M}?filterByFormula=${encodeURIComponent(formula)}`, ann)
      expect((await ids(res)).filter((id) => id !== 'recMemberAnn0001')).toEqual([])
    }
    const post = await api.post(`${M}/listRecords`, ann, { filterByFormula: 'OR(1, 1)' })
    expect(await ids(post)).toEqual(['recMemberAnn0001'])
  })

  test(`${backend.name}: a member cannot get another member's row (404 as if missing)`, async () => {
    const bob = await api.get(`${M}/recMemberBob0001`, ann)
    expect(bob.status).toBe(404)
    expect(await bob.json()).toEqual({
      error: { type: 'MODEL_ID_NOT_FOUND', message: 'Record not found' },
    })
    const own = await api.get(`${M}/recMemberAnn0001`, ann)
    expect(own.status).toBe(200)
    expect(((await own.json()) as { fields: object }).fields).toMatchObject({ Name: 'Ann' })
    expect((await api.get(`${M}/recNotThere00001`, ann)).status).toBe(404)
  })

  test(`${backend.name}: views do not widen the row filter`, async () => {
    expect(await ids(await api.get(`${M}?view=Grid+view`, ann))).toEqual(['recMemberAnn0001'])
    const dee = await api.token('member', 'dee@x.com')
    expect(await ids(await api.get(`${M}?view=Active+members`, dee))).toEqual(['recMemberDee0001'])
    expect(
      await ids(await api.get(`${M}?view=Active+members`, await api.token('member', 'bob@x.com'))),
    ).toEqual([])
  })

  test(`${backend.name}: a member never sees a host's email or phone`, async () => {
    const list = await api.get(H, ann)
    const body = (await list.json()) as ListBody
    expect(body.records.map((r) => r.fields)).toEqual([
      { Name: 'Hal', Rate: 42.5 },
      { Name: 'Ida', Rate: 1234 },
    ])
    const byId = (await (await api.get(`${H}?returnFieldsByFieldId=true`, ann)).json()) as ListBody
    expect(byId.records.flatMap((r) => Object.keys(r.fields)).sort()).toEqual([
      'fldHName00000001',
      'fldHName00000001',
      'fldHRate00000001',
      'fldHRate00000001',
    ])
    const one = (await (await api.get(`${H}/recHostHal000001`, ann)).json()) as { fields: object }
    expect(one.fields).toEqual({ Name: 'Hal', Rate: 42.5 })
    const text = await (
      await api.get(`${H}?cellFormat=string&timeZone=UTC&userLocale=en-us`, ann)
    ).text()
    expect(text).not.toContain('@x.com')
    expect(text).not.toContain('555-')
  })

  test.each([
    ['fields%5B%5D=Email', 'UNKNOWN_FIELD_NAME'],
    ['fields%5B%5D=fldHPhone0000001', 'UNKNOWN_FIELD_NAME'],
    ['sort%5B0%5D%5Bfield%5D=Email', 'UNKNOWN_FIELD_NAME'],
    ['filterByFormula=FIND(%22%40%22%2C%7BEmail%7D)', 'INVALID_FILTER_BY_FORMULA'],
    ['filterByFormula=OR(1%2C%7BfldHEmail0000001%7D)', 'INVALID_FILTER_BY_FORMULA'],
  ])(
    `${backend.name}: naming a hidden host field (%s) is the same 422 as a missing one`,
    async (query, type) => {
      const res = await api.get(`${H}?${query}`, ann)
      expect(res.status).toBe(422)
      expect(await errorType(res)).toBe(type)
    },
  )

  test(`${backend.name}: the hidden-field error equals the nonexistent-field error`, async () => {
    const hidden = await api.get(`${H}?filterByFormula=${encodeURIComponent('{Email}')}`, ann)
    const missing = await api.get(`${H}?filterByFormula=${encodeURIComponent('{Emale}')}`, ann)
    const h = (await hidden.json()) as { error: { message: string } }
    const m = (await missing.json()) as { error: { message: string } }
    expect(h.error.message).toBe(
      'The formula for filtering records is invalid: Unknown field names: email',
    )
    expect(m.error.message).toBe(
      'The formula for filtering records is invalid: Unknown field names: emale',
    )
  })

  test(`${backend.name}: a table without a rule is 403, like a missing one; meta hides it`, async () => {
    const res = await api.get(`/v0/${BASE_ID}/Secrets`, ann)
    expect(res.status).toBe(403)
    expect(await errorType(res)).toBe('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND')
    const meta = await api.get(`/v0/meta/bases/${BASE_ID}/tables`, ann)
    const tables = (
      (await meta.json()) as { tables: { name: string; fields: { name: string }[] }[] }
    ).tables
    expect(tables.map((t) => t.name)).toEqual(['Members', 'Hosts'])
    expect(tables[1]?.fields.map((f) => f.name)).toEqual(['Name', 'Rate'])
    const all = await api.get(`/v0/meta/bases/${BASE_ID}/tables`, await api.token('service'))
    expect(((await all.json()) as { tables: unknown[] }).tables).toHaveLength(3)
    expect((await api.get(`/v0/meta/bases/appOtherBase00001/tables`, ann)).status).toBe(403)
  })

  test(`${backend.name}: admins read everything; hosts only their grant`, async () => {
    const admin = await api.token('admin', 'ops@x.com')
    expect(await ids(await api.get(M, admin))).toHaveLength(5)
    expect(await ids(await api.get(`/v0/${BASE_ID}/Secrets`, admin))).toEqual(['recSecret0000001'])
    // The host rule compares an email to link text: it admits no row (and hides Email anyway).
    expect(await ids(await api.get(M, await api.token('host', 'hal@x.com')))).toEqual([])
  })

  test(`${backend.name}: consistency=strong goes through the port, with the row filter and projection`, async () => {
    strongCalls.length = 0
    const list = await api.get(`${M}?consistency=strong&filterByFormula=1`, ann)
    expect(await ids(list)).toEqual(['recMemberAnn0001'])
    expect(strongCalls[0]).toMatchObject({
      kind: 'list',
      tableId: 'tblMembers000001',
      params: { returnFieldsByFieldId: true, cellFormat: 'json', filterByFormula: '1' },
    })
    expect((await api.get(`${M}/recMemberBob0001?consistency=strong`, ann)).status).toBe(404)
    const hosts = await api.get(`${M}/recMemberAnn0001?consistency=strong`, ann)
    expect(((await hosts.json()) as { fields: object }).fields).toMatchObject({
      Email: 'ann@x.com',
    })
  })

  test(`${backend.name}: consistency=strong seals Airtable's offset; paging with it works`, async () => {
    strongCalls.length = 0
    const seen: string[] = []
    let offset: string | undefined
    let pages = 0
    do {
      const query = `consistency=strong&pageSize=2${offset === undefined ? '' : `&offset=${encodeURIComponent(offset)}`}`
      const res = await api.get(`${M}?${query}`, ann)
      const body = (await res.json()) as ListBody & { offset?: string }
      seen.push(...body.records.map((r) => r.id))
      offset = body.offset
      for (const member of MEMBERS) expect(offset ?? '').not.toContain(member.id)
      pages += 1
    } while (offset !== undefined && pages < 10)
    expect(seen).toEqual(['recMemberAnn0001'])
    expect(strongCalls.map((c) => (c.kind === 'list' ? c.params.offset : 'get'))).toEqual([
      undefined,
      'itrUpstream0000/recMemberCid0001',
      'itrUpstream0000/recMemberEve0001',
    ])
    // Airtable's raw offset is no offset of ours; another member cannot reuse one either.
    const raw = await api.get(
      `${M}?consistency=strong&offset=itrUpstream0000/recMemberCid0001`,
      ann,
    )
    expect(raw.status).toBe(422)
    expect(await errorType(raw)).toBe('INVALID_OFFSET_VALUE')
    const first = (await (await api.get(`${M}?consistency=strong&pageSize=2`, ann)).json()) as {
      offset: string
    }
    const bob = await api.token('member', 'bob@x.com')
    const reused = await api.get(`${M}?consistency=strong&pageSize=2&offset=${first.offset}`, bob)
    expect(reused.status).toBe(422)
  })

  test(`${backend.name}: expired, forged, malformed or missing tokens get 401`, async () => {
    const past = new ManualClock(Date.now() - 7_200_000)
    const expired = await issueDevToken({
      secret: JWT_SECRET,
      sub: 'u',
      email: 'ann@x.com',
      role: 'member',
      clock: past,
    })
    const forged = await issueDevToken({
      secret: 'another-secret-of-enough-length',
      sub: 'u',
      email: 'ann@x.com',
      role: 'member',
    })
    const parts = ann.split('.')
    const tampered = [
      parts[0],
      Buffer.from(JSON.stringify({ sub: 'u', email: 'bob@x.com', app_role: 'admin' })).toString(
        'base64url',
      ),
      parts[2],
    ].join('.')
    for (const token of [expired, forged, tampered, 'garbage', '']) {
      const res = await api.get(M, token)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({
        error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' },
      })
    }
    expect((await api.app.request(M)).status).toBe(401)
  })
}
