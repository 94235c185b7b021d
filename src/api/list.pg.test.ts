import { afterAll, beforeAll, expect, test } from 'vitest'
import { testBackends, type TestDb } from '../store/test-backends.ts'
import { apiFixture, BASE_ID, fillStore, type ApiFixture } from './test-fixture.ts'

const MEMBERS = `/v0/${BASE_ID}/Members`
const names = async (res: Response): Promise<unknown[]> => {
  const body = (await res.json()) as { records: { fields: Record<string, unknown> }[] }
  return body.records.map((r) => r.fields['Name'])
}

for (const backend of testBackends()) {
  // Read-only tests share one filled database per backend (opening one costs seconds).
  let db: TestDb
  let shared: ApiFixture
  beforeAll(async () => {
    db = await backend.open()
    await fillStore(db)
    shared = apiFixture(db)
  })
  afterAll(async () => {
    await db[Symbol.asyncDispose]()
  })
  const withApi = async (
    run: (api: ApiFixture, service: string) => Promise<void>,
  ): Promise<void> => {
    await run(shared, await shared.token('service'))
  }

  test(`${backend.name}: list without sort or view is creation order, by name, empty cells omitted`, async () => {
    await withApi(async (api, service) => {
      const res = await api.get(MEMBERS, service)
      expect(res.status).toBe(200)
      const body = (await res.json()) as {
        records: { id: string; createdTime: string; fields: object }[]
        offset?: string
      }
      expect(body.records.map((r) => r.id)).toEqual([
        'recMemberAnn0001',
        'recMemberBob0001',
        'recMemberCid0001',
        'recMemberDee0001',
        'recMemberEve0001',
      ])
      expect(body.offset).toBeUndefined()
      expect(body.records[1]).toEqual({
        id: 'recMemberBob0001',
        createdTime: '2024-01-01T01:06:00.000Z',
        fields: {
          Name: 'bob',
          Email: 'bob@x.com',
          Age: 25,
          Tier: 'Bronze',
          Host: ['recHostIda000001'],
          Joined: '2023-12-31',
        },
      })
    })
  })

  test(`${backend.name}: table by ID, fields by ID, fields[] projection, trailing slash`, async () => {
    await withApi(async (api, service) => {
      const res = await api.get(
        `/v0/${BASE_ID}/tblMembers000001/?fields%5B%5D=Name&fields%5B%5D=fldMAge000000001&returnFieldsByFieldId=1&maxRecords=2`,
        service,
      )
      expect(res.status).toBe(200)
      const body = (await res.json()) as { records: { fields: object }[] }
      expect(body.records.map((r) => r.fields)).toEqual([
        { fldMName00000001: 'Ann', fldMAge000000001: 30 },
        { fldMName00000001: 'bob', fldMAge000000001: 25 },
      ])
    })
  })

  test.each([
    ['{Age} > 26', ['Ann', 'Cid']],
    ['AND({Active}, {Tier} = "Gold")', ['Ann', 'dee']],
    ['NOT({Active})', ['bob', 'Eve']],
    ['FIND("Hal", {Host})', ['Ann', 'dee']],
    ['AND({Joined}, {Joined} < "2024-06-01")', ['Ann', 'bob']],
    // A blank date compares as blank (the evaluator's rule, shared with the emulator).
    ['{Joined} < "2024-06-01"', ['Ann', 'bob', 'Cid']],
    ['LEN({Name}) = 3', ['Ann', 'bob', 'Cid', 'dee', 'Eve']],
    ['{fldMTier00000001} = "Silver"', ['Cid']],
    ['', ['Ann', 'bob', 'Cid', 'dee', 'Eve']],
  ])(`${backend.name}: filterByFormula %s`, async (formula, expected) => {
    await withApi(async (api, service) => {
      const res = await api.get(
        `${MEMBERS}?filterByFormula=${encodeURIComponent(formula)}`,
        service,
      )
      expect(res.status).toBe(200)
      expect(await names(res)).toEqual(expected)
    })
  })

  test.each([
    ['sort%5B0%5D%5Bfield%5D=Name', ['Ann', 'bob', 'Cid', 'dee', 'Eve']],
    [
      'sort%5B0%5D%5Bfield%5D=Name&sort%5B0%5D%5Bdirection%5D=desc',
      ['Eve', 'dee', 'Cid', 'bob', 'Ann'],
    ],
    // Blanks first ascending; ties (bob, Eve at 25) in creation order.
    ['sort%5B0%5D%5Bfield%5D=Age', ['dee', 'bob', 'Eve', 'Ann', 'Cid']],
    // Choice order Gold, Silver, Bronze; blank first.
    ['sort%5B0%5D%5Bfield%5D=Tier', ['Eve', 'Ann', 'dee', 'Cid', 'bob']],
    [
      'sort%5B0%5D%5Bfield%5D=Active&sort%5B1%5D%5Bfield%5D=Age&sort%5B1%5D%5Bdirection%5D=desc',
      ['bob', 'Eve', 'Cid', 'Ann', 'dee'],
    ],
    ['sort%5B0%5D%5Bfield%5D=Host', ['Cid', 'Eve', 'Ann', 'dee', 'bob']],
  ])(`${backend.name}: sort %s`, async (query, expected) => {
    await withApi(async (api, service) => {
      const res = await api.get(`${MEMBERS}?${query}`, service)
      expect(res.status).toBe(200)
      expect(await names(res)).toEqual(expected)
    })
  })

  test(`${backend.name}: view by name or ID uses the stored order; filter intersects; sort overrides`, async () => {
    await withApi(async (api, service) => {
      expect(await names(await api.get(`${MEMBERS}?view=Active+members`, service))).toEqual([
        'dee',
        'Cid',
        'Ann',
      ])
      expect(
        await names(
          await api.get(`${MEMBERS}?view=viwMembersAct001&filterByFormula=%7BAge%7D%3E35`, service),
        ),
      ).toEqual(['Cid'])
      expect(
        await names(
          await api.get(`${MEMBERS}?view=Active%20members&sort%5B0%5D%5Bfield%5D=Age`, service),
        ),
      ).toEqual(['dee', 'Ann', 'Cid'])
      const unknown = await api.get(`${MEMBERS}?view=Nope`, service)
      expect(unknown.status).toBe(422)
      expect(await unknown.json()).toEqual({
        error: { type: 'VIEW_NAME_NOT_FOUND', message: 'View Nope not found' },
      })
      const notFetched = await api.get(`${MEMBERS}?view=Never+fetched`, service)
      expect(notFetched.status).toBe(503)
    })
  })

  test(`${backend.name}: POST listRecords with native types and airtable.js's extra keys`, async () => {
    await withApi(async (api, service) => {
      const res = await api.post(`${MEMBERS}/listRecords?timeZone=UTC&userLocale=en-us`, service, {
        method: 'post',
        filterByFormula: '{Active}',
        sort: [{ field: 'Name', direction: 'desc' }],
        fields: ['Name'],
        pageSize: 2,
        returnFieldsByFieldId: false,
        timeZone: 'UTC',
        userLocale: 'en-us',
      })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { records: { fields: object }[]; offset?: string }
      expect(body.records.map((r) => r.fields)).toEqual([{ Name: 'dee' }, { Name: 'Cid' }])
      // The SQL path's keyset offset: signed sort keys of the last record sent.
      expect(body.offset).toMatch(/^itr[0-9a-f]{20}k[A-Za-z0-9_-]+$/)
      const next = await api.post(`${MEMBERS}/listRecords`, service, {
        filterByFormula: '{Active}',
        sort: [{ field: 'Name', direction: 'desc' }],
        fields: ['Name'],
        pageSize: 2,
        offset: body.offset,
      })
      expect(await next.json()).toMatchObject({ records: [{ fields: { Name: 'Ann' } }] })
    })
  })

  test(`${backend.name}: paging walks every record once; offset only while more exist; limit alias`, async () => {
    await withApi(async (api, service) => {
      const seen: unknown[] = []
      let offset: string | undefined
      let pages = 0
      do {
        const res = await api.get(
          `${MEMBERS}?limit=2${offset === undefined ? '' : `&offset=${encodeURIComponent(offset)}`}`,
          service,
        )
        const body = (await res.json()) as {
          records: { fields: { Name: string } }[]
          offset?: string
        }
        seen.push(...body.records.map((r) => r.fields.Name))
        offset = body.offset
        pages++
      } while (offset !== undefined)
      expect(pages).toBe(3)
      expect(seen).toEqual(['Ann', 'bob', 'Cid', 'dee', 'Eve'])
    })
  })

  test(`${backend.name}: maxRecords truncates the walk`, async () => {
    await withApi(async (api, service) => {
      const first = await api.get(`${MEMBERS}?pageSize=2&maxRecords=3`, service)
      const body = (await first.json()) as { offset?: string }
      expect(body.offset).toBeDefined()
      const second = await api.get(
        `${MEMBERS}?pageSize=2&maxRecords=3&offset=${encodeURIComponent(body.offset ?? '')}`,
        service,
      )
      const rest = (await second.json()) as { records: unknown[]; offset?: string }
      expect(rest.records).toHaveLength(1)
      expect(rest.offset).toBeUndefined()
    })
  })

  test(`${backend.name}: offsets: garbage, forged, or from another query`, async () => {
    await withApi(async (api, service) => {
      const garbage = await api.get(`${MEMBERS}?offset=nonsense`, service)
      expect(garbage.status).toBe(422)
      expect(await garbage.json()).toEqual({
        error: { type: 'INVALID_OFFSET_VALUE', message: 'The value of offset nonsense is invalid' },
      })
      const page = (await (await api.get(`${MEMBERS}?pageSize=1`, service)).json()) as {
        offset: string
      }
      const forged = `${page.offset.slice(0, 24)}${Buffer.from('[0,"x"]').toString('base64url')}`
      expect(
        (await api.get(`${MEMBERS}?pageSize=1&offset=${encodeURIComponent(forged)}`, service))
          .status,
      ).toBe(422)
      const other = await api.get(
        `${MEMBERS}?pageSize=1&filterByFormula=1&offset=${encodeURIComponent(page.offset)}`,
        service,
      )
      expect(other.status).toBe(422)
      expect(await other.json()).toEqual({ error: { type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' } })
    })
  })

  test(`${backend.name}: cellFormat=string renders text and needs timeZone and userLocale`, async () => {
    await withApi(async (api, service) => {
      const missing = await api.get(`${MEMBERS}?cellFormat=string`, service)
      expect(missing.status).toBe(422)
      expect(((await missing.json()) as { error: { type: string } }).error.type).toBe(
        'INVALID_REQUEST_UNKNOWN',
      )
      const res = await api.get(
        `${MEMBERS}?cellFormat=string&timeZone=UTC&userLocale=en-us&maxRecords=1`,
        service,
      )
      const body = (await res.json()) as { records: { fields: object }[] }
      expect(body.records[0]?.fields).toEqual({
        Name: 'Ann',
        Email: 'ann@x.com',
        Age: '30',
        Tier: 'Gold',
        Active: 'checked',
        Host: 'Hal',
        Joined: '2024-03-05',
      })
      const hosts = await api.get(
        `/v0/${BASE_ID}/Hosts?cellFormat=string&timeZone=UTC&userLocale=en-us`,
        service,
      )
      const hostBody = (await hosts.json()) as { records: { fields: Record<string, unknown> }[] }
      expect(hostBody.records.map((r) => r.fields['Rate'])).toEqual(['$42.50', '$1,234.00'])
    })
  })

  test(`${backend.name}: recordMetadata commentCount is 0 (configurable to omit)`, async () => {
    const zero = apiFixture(db)
    const res = await zero.get(
      `${MEMBERS}?maxRecords=1&recordMetadata%5B%5D=commentCount`,
      await zero.token('service'),
    )
    expect(
      ((await res.json()) as { records: { commentCount?: number }[] }).records[0]?.commentCount,
    ).toBe(0)
    const omit = apiFixture(db, { commentCount: 'omit' })
    const res2 = await omit.get(
      `${MEMBERS}?maxRecords=1&recordMetadata%5B%5D=commentCount`,
      await omit.token('service'),
    )
    expect(((await res2.json()) as { records: object[] }).records[0]).not.toHaveProperty(
      'commentCount',
    )
  })

  test.each([
    [
      'filterByFormula=%7BNope%7D',
      'INVALID_FILTER_BY_FORMULA',
      'The formula for filtering records is invalid: Unknown field names: nope',
    ],
    ['filterByFormula=BAD(1)', 'INVALID_FILTER_BY_FORMULA', undefined],
    ['fields%5B%5D=Nope', 'UNKNOWN_FIELD_NAME', 'Unknown field name: "Nope"'],
    ['sort%5B0%5D%5Bfield%5D=Nope', 'UNKNOWN_FIELD_NAME', 'Unknown field name: "Nope"'],
    ['pageSize=101', 'INVALID_REQUEST_UNKNOWN', undefined],
    ['pageSize=abc', 'INVALID_REQUEST_UNKNOWN', undefined],
    ['consistency=sometimes', 'INVALID_REQUEST_UNKNOWN', undefined],
    ['consistency=strong', 'INVALID_REQUEST_UNKNOWN', undefined],
  ])(`${backend.name}: %s → 422 %s`, async (query, type, message) => {
    await withApi(async (api, service) => {
      const res = await api.get(`${MEMBERS}?${query}`, service)
      expect(res.status).toBe(422)
      const body = (await res.json()) as { error: { type: string; message: string } }
      expect(body.error.type).toBe(type)
      if (message !== undefined) expect(body.error.message).toBe(message)
    })
  })

  test(`${backend.name}: unknown table or base → 403; unknown route → bare NOT_FOUND; bad JSON → 400`, async () => {
    await withApi(async (api, service) => {
      for (const path of [`/v0/${BASE_ID}/Nope`, `/v0/appOtherBase00001/Members`]) {
        const res = await api.get(path, service)
        expect(res.status).toBe(403)
        expect(((await res.json()) as { error: { type: string } }).error.type).toBe(
          'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
        )
      }
      const route = await api.get('/v2/nothing/here', service)
      expect(route.status).toBe(404)
      expect(await route.json()).toEqual({ error: 'NOT_FOUND' })
      const bad = await api.post(`${MEMBERS}/listRecords`, service, '{nope')
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { error: { type: string } }).error.type).toBe(
        'INVALID_REQUEST_BODY',
      )
    })
  })
}
