/**
 * Issue 2, "done means" 1: the official airtable.js (0.12.2), pointed at the emulator with
 * `endpointUrl`, over real HTTP on port 0.
 */
import Airtable from 'airtable'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadSeed, PRESENCE_BASE_ID } from './seed/index.ts'
import { startEmulator, type RunningEmulator } from './start.ts'
import { buildTestBase, TEST_BASE_ID } from './test-base.ts'

const TOKEN = 'patAirtableJsTest.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'

let running: RunningEmulator
let base: Airtable.Base

beforeAll(async () => {
  running = await startEmulator({
    tokens: [TOKEN],
    bases: [buildTestBase({ rows: 320 })],
    rateLimit: false,
  })
  base = new Airtable({ apiKey: TOKEN, endpointUrl: running.url, noRetryIfRateLimited: true }).base(
    TEST_BASE_ID,
  )
})
afterAll(async () => {
  await running.close()
})

/** The AirtableError airtable.js rejects with. */
async function failure(
  promise: Promise<unknown>,
): Promise<{ error: string; statusCode: number; message: string }> {
  try {
    await promise
  } catch (error) {
    return error as { error: string; statusCode: number; message: string }
  }
  throw new Error('expected a failure')
}

describe('airtable.js against the emulator', () => {
  test('select: filterByFormula, sort, fields', async () => {
    const records = await base('Tasks')
      .select({
        filterByFormula: 'AND({Priority} >= 3, NOT({Done}))',
        sort: [{ field: 'Name', direction: 'desc' }],
        fields: ['Name', 'Priority'],
        maxRecords: 5,
      })
      .firstPage()
    expect(records).toHaveLength(5)
    const names = records.map((r) => r.get('Name') as string)
    expect(names).toEqual([...names].sort().reverse())
    for (const r of records) {
      expect(r.get('Priority')).toBeGreaterThanOrEqual(3)
      expect(Object.keys(r.fields).sort()).toEqual(['Name', 'Priority'])
    }
  })

  test('select with a view keeps its filter and order', async () => {
    const records = await base('Tasks').select({ view: 'Open', pageSize: 100 }).all()
    const priorities = records.map((r) => (r.get('Priority') as number | undefined) ?? 0)
    expect(records.length).toBeGreaterThan(200)
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a))
    expect(records.every((r) => r.get('Done') === undefined)).toBe(true)
  })

  test('eachPage walks more than 300 records in pages of at most 100', async () => {
    const sizes: number[] = []
    const ids = new Set<string>()
    await base('Tasks')
      .select({ pageSize: 100 })
      .eachPage((records, next) => {
        sizes.push(records.length)
        for (const r of records) ids.add(r.id)
        next()
      })
    expect(sizes).toEqual([100, 100, 100, 20])
    expect(ids.size).toBe(320)
  })

  test('POST listRecords (method: post) works like GET', async () => {
    const records = await base('Tasks')
      .select({ method: 'post', filterByFormula: '{Priority} = 4', pageSize: 50 })
      .all()
    expect(records.length).toBe(64)
  })

  test('find, create/update/replace/destroy with arrays of 10 and typecast', async () => {
    const table = base('Tasks')
    const created = await table.create(
      Array.from({ length: 10 }, (_, i) => ({ fields: { Name: `js ${i}`, Priority: i } })),
    )
    expect(created.map((r) => r.get('Name'))).toEqual(
      Array.from({ length: 10 }, (_, i) => `js ${i}`),
    )
    const found = await table.find(created[3]!.id)
    expect(found.get('Label')).toBe('js 3 (3)')

    const updated = await table.update(
      created.map((r) => ({ id: r.id, fields: { Notes: 'patched' } })),
    )
    expect(updated.every((r) => r.get('Name') !== undefined && r.get('Notes') === 'patched')).toBe(
      true,
    )

    const replaced = await table.replace(
      created.map((r) => ({ id: r.id, fields: { Name: 'replaced' } })),
    )
    expect(
      replaced.every((r) => r.get('Notes') === undefined && r.get('Priority') === undefined),
    ).toBe(true)

    const typecast = await table.create(
      [{ fields: { Name: 'typed', Priority: '7' as unknown as number, Status: 'Blocked' } }],
      {
        typecast: true,
      },
    )
    expect(typecast[0]!.get('Priority')).toBe(7)
    expect(typecast[0]!.get('Status')).toBe('Blocked')

    const destroyed = await table.destroy(created.map((r) => r.id))
    expect(destroyed.map((r) => r.id)).toEqual(created.map((r) => r.id))
    const gone = await failure(table.find(created[0]!.id))
    expect(gone.statusCode).toBe(404)
  })

  test('an 11-record write, an unknown field and a bad formula fail with Airtable’s errors', async () => {
    const table = base('Tasks')
    const eleven = await failure(
      table.create(Array.from({ length: 11 }, (_, i) => ({ fields: { Name: `x${i}` } }))),
    )
    expect(eleven).toMatchObject({
      statusCode: 422,
      error: 'INVALID_RECORDS',
      message: 'A maximum of 10 records can be created per request but you have provided 11.',
    })
    const unknown = await failure(table.create({ Nope: 'x' }))
    expect(unknown).toMatchObject({ statusCode: 422, error: 'UNKNOWN_FIELD_NAME' })
    const formula = await failure(table.select({ filterByFormula: 'NOPE({Name}' }).firstPage())
    expect(formula).toMatchObject({ statusCode: 422, error: 'INVALID_FILTER_BY_FORMULA' })
    const noSelect = await failure(table.create({ Status: 'Nope' }))
    expect(noSelect).toMatchObject({ statusCode: 422, error: 'INVALID_MULTIPLE_CHOICE_OPTIONS' })
  })
})

describe('airtable.js against the Presence seed', () => {
  test('views "Active Hosts" and "Upcoming", and eachPage over 3,000 operations', async () => {
    await using presence = await startEmulator({
      tokens: [TOKEN],
      bases: [loadSeed('presence')],
      rateLimit: false,
    })
    const at = new Airtable({ apiKey: TOKEN, endpointUrl: presence.url }).base(PRESENCE_BASE_ID)
    const hosts = await at('Hosts Registry').select({ view: 'Active Hosts' }).all()
    expect(hosts.length).toBeGreaterThan(0)
    for (const h of hosts) {
      expect(h.get('Verification Status')).toBe('Verified')
      expect(h.get('Host Status')).toBe('Active')
    }
    const upcoming = await at('Presence Operations')
      .select({ view: 'Upcoming', pageSize: 100 })
      .all()
    expect(upcoming.every((r) => r.get('Booking Status') !== 'Cancelled')).toBe(true)
    let total = 0
    await at('Presence Operations')
      .select({ fields: ['Booking Ref'] })
      .eachPage((records, next) => {
        total += records.length
        next()
      })
    expect(total).toBe(3000)
  })
})
