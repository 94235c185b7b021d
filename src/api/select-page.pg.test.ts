/**
 * The SQL read path (select-page.ts, compile-sort.ts) against the JS path (`filterStrategy:
 * 'js'`, the emulator's sort code): the same records in the same order, page by page, for a sort
 * on every field type of the fixture in both directions; and keyset offsets under writes.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { upsertRecords } from '../store/index.ts'
import { testBackends, type TestDb } from '../store/test-backends.ts'
import { apiFixture, BASE_ID, fillStore, SCHEMA, type ApiFixture } from './test-fixture.ts'

const MEMBERS = `/v0/${BASE_ID}/Members`
const KEYSET = /^itr[0-9a-f]{20}k[A-Za-z0-9_-]+$/

/** Every page of `query` (pageSize 2): the record IDs in order and the offsets given. */
async function walk(api: ApiFixture, query: string): Promise<{ ids: string[]; offsets: string[] }> {
  const service = await api.token('service')
  const ids: string[] = []
  const offsets: string[] = []
  let offset: string | undefined
  do {
    const at = offset === undefined ? '' : `&offset=${encodeURIComponent(offset)}`
    const res = await api.get(`${MEMBERS}?pageSize=2&${query}${at}`, service)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { records: { id: string }[]; offset?: string }
    ids.push(...body.records.map((r) => r.id))
    offset = body.offset
    if (offset !== undefined) offsets.push(offset)
  } while (offset !== undefined)
  return { ids, offsets }
}

const sortOf = (...specs: [string, 'asc' | 'desc'][]): string =>
  specs
    .map(
      ([field, direction], i) =>
        `sort[${i}][field]=${encodeURIComponent(field)}&sort[${i}][direction]=${direction}`,
    )
    .join('&')

const FIELDS = (SCHEMA.tables[0]?.fields ?? []).map((f) => f.name)
const SORTS: string[] = [
  ...FIELDS.flatMap((name) => [sortOf([name, 'asc']), sortOf([name, 'desc'])]),
  sortOf(['Tier', 'asc'], ['Age', 'desc']),
  `${sortOf(['Name', 'desc'])}&filterByFormula=${encodeURIComponent('{Age} >= 25')}`,
  `${sortOf(['Age', 'asc'])}&maxRecords=3`,
]

for (const backend of testBackends()) {
  let db: TestDb
  let sql: ApiFixture
  let js: ApiFixture
  beforeAll(async () => {
    db = await backend.open()
    await fillStore(db)
    sql = apiFixture(db)
    js = apiFixture(db, { filterStrategy: 'js' })
  })
  afterAll(async () => {
    await db[Symbol.asyncDispose]()
  })

  test(`${backend.name}: the fixture sorts on every field type`, () => {
    expect(FIELDS).toEqual(['Name', 'Email', 'Age', 'Tier', 'Active', 'Host', 'Joined'])
  })

  test.each(SORTS)(`${backend.name}: SQL and JS paths agree page by page: %s`, async (query) => {
    const [fromSql, fromJs] = await Promise.all([walk(sql, query), walk(js, query)])
    expect(fromSql.ids).toEqual(fromJs.ids)
    expect(new Set(fromSql.ids).size).toBe(fromSql.ids.length)
    // The SQL path really answered: its offsets are keysets.
    for (const offset of fromSql.offsets) expect(offset).toMatch(KEYSET)
  })

  test(`${backend.name}: a keyset walk neither repeats nor skips records under writes`, async () => {
    const service = await sql.token('service')
    const query = `${MEMBERS}?pageSize=2&${sortOf(['Age', 'asc'])}`
    const first = (await (await sql.get(query, service)).json()) as {
      records: { id: string }[]
      offset: string
    }
    // A new record sorting before the cursor, and one after it.
    await upsertRecords(db, {
      baseId: BASE_ID,
      tableId: 'tblMembers000001',
      source: 'full-sync',
      records: [
        {
          id: 'recMemberNew0001',
          createdTime: '2020-01-01T00:00:00.000Z',
          fields: { fldMAge000000001: 1 },
        },
        {
          id: 'recMemberNew0002',
          createdTime: '2020-01-01T00:00:00.000Z',
          fields: { fldMAge000000001: 99 },
        },
      ],
    })
    const rest: string[] = []
    let offset: string | undefined = first.offset
    while (offset !== undefined) {
      const body = (await (
        await sql.get(`${query}&offset=${encodeURIComponent(offset)}`, service)
      ).json()) as { records: { id: string }[]; offset?: string }
      rest.push(...body.records.map((r) => r.id))
      offset = body.offset
    }
    const seen = [...first.records.map((r) => r.id), ...rest]
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.filter((id) => !id.startsWith('recMemberNew'))).toHaveLength(5)
    expect(seen).toContain('recMemberNew0002')
    expect(seen).not.toContain('recMemberNew0001')
  })
}
