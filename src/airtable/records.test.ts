import fc from 'fast-check'
import { afterEach, describe, expect, expectTypeOf, test } from 'vitest'
import { AirtableError } from './errors.ts'
import { errorJson, record, startHarness, type Harness } from './test-fixtures.ts'
import type { SeenRequest } from './test-server.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.server.close()
  h = undefined
})

/** Answers list requests with `total` records split in pages of `size`, offsets `o1`, `o2`… */
function pages(total: number, size: number) {
  return (req: SeenRequest) => {
    const offset = req.query.get('offset') ?? (req.body as { offset?: string } | undefined)?.offset
    const start = offset === undefined || offset === null ? 0 : Number(offset.slice(1))
    const records = Array.from({ length: Math.min(size, total - start) }, (_, i) =>
      record(start + i),
    )
    const next = start + size < total ? { offset: `o${start + size}` } : {}
    return { json: { records, ...next } }
  }
}

interface Member extends Record<string, unknown> {
  Name: string
  Age?: number
}

describe('records: types', () => {
  test('TFields flows into reads and writes', async () => {
    h = await startHarness((req) =>
      req.method === 'GET'
        ? { json: { records: [record(1, { Name: 'a', Age: 3 })] } }
        : { json: { records: [record(2, { Name: 'b' })] } },
    )
    const members = h.client.table<Member>('appA', 'Members Registry')
    const [first] = (await members.list()).records
    expectTypeOf(first!.fields.Name).toEqualTypeOf<string>()
    expectTypeOf(first!.fields.Age).toEqualTypeOf<number | undefined>()
    expect(first!.fields.Age).toBe(3)
    // null clears a field (PATCH); a wrong type does not compile.
    await members.update([{ id: 'rec1', fields: { Age: null } }])
    // @ts-expect-error Age is a number
    await members.create([{ fields: { Age: 'three' } }])
    expect(h.server.requests).toHaveLength(3)
  })
})

describe('records: reads', () => {
  test('list returns one page, typed, with the bearer token', async () => {
    h = await startHarness(pages(3, 100))
    const members = h.client.table<Member>('appA', 'Members Registry')
    const page = await members.list({
      fields: ['Name'],
      sort: [{ field: 'Name', direction: 'desc' }],
    })
    expect(page.records.map((r) => r.fields.Name)).toEqual(['n0', 'n1', 'n2'])
    expect(page.offset).toBeUndefined()
    const [seen] = h.server.requests
    expect(seen?.method).toBe('GET')
    expect(seen?.path).toBe('/v0/appA/Members%20Registry')
    expect(seen?.query.getAll('fields[]')).toEqual(['Name'])
    expect(seen?.query.get('sort[0][direction]')).toBe('desc')
    expect(seen?.headers.get('authorization')).toBe('Bearer patTEST.secret')
    expect(h.events).toMatchObject([
      { method: 'GET', endpoint: 'listRecords', baseId: 'appA', status: 200, attempt: 1 },
    ])
  })

  test('iterate follows offsets over every page; all() concatenates', async () => {
    h = await startHarness(pages(25, 10))
    const table = h.client.table('appA', 'tblMembers000000')
    const seenPages: number[] = []
    for await (const page of table.iterate({ pageSize: 10 })) seenPages.push(page.records.length)
    expect(seenPages).toEqual([10, 10, 5])
    expect(h.server.requests.map((r) => r.query.get('offset'))).toEqual([null, 'o10', 'o20'])
    const all = await table.all({ pageSize: 10 })
    expect(all.map((r) => r.fields['Name'])).toEqual(Array.from({ length: 25 }, (_, i) => `n${i}`))
  })

  test('a long formula goes as POST listRecords, pages included', async () => {
    h = await startHarness(pages(15, 10))
    const filterByFormula = `OR(${Array.from({ length: 1500 }, (_, i) => `{Name}='n${i}'`).join(',')})`
    const all = await h.client.table('appA', 'T').all({
      filterByFormula,
      pageSize: 10,
      timeZone: 'UTC',
      userLocale: 'en-us',
      cellFormat: 'string',
    })
    expect(all).toHaveLength(15)
    expect(h.server.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/v0/appA/T/listRecords'],
      ['POST', '/v0/appA/T/listRecords'],
    ])
    expect(h.server.requests.every((r) => r.urlLength < 100)).toBe(true)
    expect(h.server.requests[1]?.body).toMatchObject({
      filterByFormula,
      offset: 'o10',
      pageSize: 10,
    })
    expect(h.server.requests[0]?.query.get('timeZone')).toBe('UTC')
    expect(h.events.every((e) => e.endpoint === 'listRecords')).toBe(true)
  })

  test('an expired offset throws typed unless the caller opts in to restart', async () => {
    let expireOnce = true
    const script = (req: SeenRequest) => {
      if (req.query.get('offset') === 'o10' && expireOnce) {
        expireOnce = false
        return { status: 422, json: errorJson('LIST_RECORDS_ITERATOR_NOT_AVAILABLE') }
      }
      return pages(25, 10)(req)
    }
    h = await startHarness(script)
    const table = h.client.table('appA', 'T')
    const error = await table.all({ pageSize: 10 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AirtableError)
    expect((error as AirtableError).type).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE')
    expect((error as AirtableError).status).toBe(422)

    expireOnce = true
    const restarted: boolean[] = []
    for await (const page of table.iterate({ pageSize: 10 }, { restartOnExpiredOffset: true })) {
      restarted.push(page.restarted)
    }
    expect(restarted).toEqual([false, true, false, false])
    expireOnce = true
    const all = await table.all({ pageSize: 10 }, { restartOnExpiredOffset: true })
    expect(all.map((r) => r.fields['Name'])).toEqual(Array.from({ length: 25 }, (_, i) => `n${i}`))
  })

  test('get reads one record with its options', async () => {
    h = await startHarness(() => ({ json: record(7) }))
    const rec = await h.client
      .table('appA', 'T')
      .get('rec00000000000007', { returnFieldsByFieldId: true, cellFormat: 'json' })
    expect(rec.id).toBe('rec00000000000007')
    expect(h.server.requests[0]?.path).toBe('/v0/appA/T/rec00000000000007')
    expect(h.server.requests[0]?.query.get('returnFieldsByFieldId')).toBe('true')
  })

  test('a 404 with the bare-string envelope is typed NOT_FOUND', async () => {
    h = await startHarness(() => ({ status: 404, json: { error: 'NOT_FOUND' } }))
    const error = await h.client
      .table('appA', 'T')
      .get('recX')
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'AirtableError',
      type: 'NOT_FOUND',
      status: 404,
      method: 'GET',
    })
    expect(h.server.requests).toHaveLength(1)
  })
})

describe('records: writes', () => {
  const echoCreate = (req: SeenRequest) => {
    const body = req.body as { records: { fields: Record<string, unknown> }[] }
    return { json: { records: body.records.map((r, i) => ({ ...record(i), fields: r.fields })) } }
  }

  test('property: create sends ceil(n/10) requests in order and returns records in order', async () => {
    h = await startHarness(echoCreate)
    const server = h.server
    const table = h.client.table<Member>('appA', 'T')
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 45 }), async (n) => {
        server.requests.length = 0
        const input = Array.from({ length: n }, (_, i) => ({ fields: { Name: `m${i}` } }))
        const created = await table.create(input, { typecast: true })
        expect(server.requests).toHaveLength(Math.ceil(n / 10))
        const sent = server.requests.flatMap(
          (r) => (r.body as { records: { fields: { Name: string } }[] }).records,
        )
        expect(sent.map((r) => r.fields.Name)).toEqual(input.map((r) => r.fields.Name))
        expect(created.map((r) => r.fields.Name)).toEqual(input.map((r) => r.fields.Name))
        expect(server.requests.every((r) => (r.body as { typecast: boolean }).typecast)).toBe(true)
      }),
      { numRuns: 15 },
    )
  })

  test('update uses PATCH, or PUT when destructive, in chunks', async () => {
    h = await startHarness((req) => ({
      json: {
        records: (req.body as { records: { id: string }[] }).records.map((r) => ({
          ...record(0),
          id: r.id,
        })),
      },
    }))
    const table = h.client.table('appA', 'T')
    const input = Array.from({ length: 12 }, (_, i) => ({ id: `rec${i}`, fields: { Name: null } }))
    const updated = await table.update(input)
    expect(updated.map((r) => r.id)).toEqual(input.map((r) => r.id))
    await table.update(input.slice(0, 1), { destructive: true })
    expect(h.server.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PUT'])
    expect((h.server.requests[0]?.body as { records: unknown[] }).records[0]).toEqual({
      id: 'rec0',
      fields: { Name: null },
    })
  })

  test('upsert merges created and updated IDs across chunks', async () => {
    let n = 0
    h = await startHarness((req) => {
      const body = req.body as { records: unknown[]; performUpsert: unknown }
      expect(body.performUpsert).toEqual({ fieldsToMergeOn: ['Email'] })
      const records = body.records.map(() => record(n++))
      return {
        json: {
          records,
          createdRecords: records.filter((_, i) => i % 2 === 0).map((r) => r.id),
          updatedRecords: records.filter((_, i) => i % 2 === 1).map((r) => r.id),
        },
      }
    })
    const input = Array.from({ length: 13 }, (_, i) => ({ fields: { Email: `${i}@x.com` } }))
    const result = await h.client.table('appA', 'T').upsert(input, { fieldsToMergeOn: ['Email'] })
    expect(result.records).toHaveLength(13)
    expect(result.createdRecords).toHaveLength(5 + 2)
    expect([...result.createdRecords, ...result.updatedRecords].sort()).toEqual(
      result.records.map((r) => r.id).sort(),
    )
    expect(h.events.map((e) => e.endpoint)).toEqual(['upsertRecords', 'upsertRecords'])
  })

  test('delete sends records[] in the query, ten at a time', async () => {
    h = await startHarness((req) => ({
      json: { records: req.query.getAll('records[]').map((id) => ({ id, deleted: true })) },
    }))
    const ids = Array.from({ length: 11 }, (_, i) => `rec${i}`)
    const deleted = await h.client.table('appA', 'T').delete(ids)
    expect(deleted.map((d) => d.id)).toEqual(ids)
    expect(h.server.requests.map((r) => r.query.getAll('records[]').length)).toEqual([10, 1])
    expect(h.server.requests.every((r) => r.method === 'DELETE' && r.body === undefined)).toBe(true)
  })

  test('a rejected chunk stops the batch and says what was written before', async () => {
    h = await startHarness((req, i) =>
      i === 1
        ? {
            status: 422,
            json: errorJson(
              'INVALID_VALUE_FOR_COLUMN',
              'Field "Age" cannot accept the provided value',
            ),
          }
        : echoCreate(req),
    )
    const input = Array.from({ length: 30 }, (_, i) => ({ fields: { Name: `m${i}` } }))
    const error = (await h.client
      .table('appA', 'T')
      .create(input)
      .catch((e: unknown) => e)) as AirtableError
    expect(error.type).toBe('INVALID_VALUE_FOR_COLUMN')
    expect(error.message).toBe('Field "Age" cannot accept the provided value')
    expect(error.batch).toMatchObject({ chunkIndex: 1, chunkCount: 3 })
    expect(error.batch?.completedRecordIds).toHaveLength(10)
    expect(h.server.requests).toHaveLength(2)
  })
})
