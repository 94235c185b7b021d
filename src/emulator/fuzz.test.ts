/**
 * Issue 2, "done means" 5: fuzzing formulas and request bodies. Whatever arrives, the emulator
 * answers JSON in Airtable's shapes: a success, or an error envelope with a 4xx — never a crash,
 * never an uninjected 5xx.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { errorTypeOf } from '../protocol/errors.ts'
import { createEmulator, type Emulator } from './app.ts'
import { buildTestBase, TEST_BASE_ID } from './test-base.ts'

const TOKEN = 'patFuzzTest000001.0000'
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

async function setup(): Promise<{ emu: Emulator; unexpected: unknown[] }> {
  const unexpected: unknown[] = []
  const emu = await createEmulator({
    tokens: [TOKEN],
    rateLimit: false,
    bases: [buildTestBase({ rows: 20 })],
    onError: (error) => unexpected.push(error),
  })
  return { emu, unexpected }
}

/** Checks one answer: JSON, a 2xx or a 4xx, and a 4xx carries a recognisable envelope. */
async function expectAirtableShaped(res: Response): Promise<void> {
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  const text = await res.text()
  const body: unknown = JSON.parse(text)
  expect(res.status, text).toBeLessThan(500)
  if (res.status >= 400) expect(errorTypeOf(body), text).toEqual(expect.any(String))
}

const FIELD_NAMES = ['Name', 'Priority', 'Status', 'Done', 'Notes', 'Owner', 'Label', 'Nope']
const FUNCTIONS = [
  'IF',
  'AND',
  'OR',
  'NOT',
  'LEN',
  'FIND',
  'SUM',
  'DATEADD',
  'REGEX_MATCH',
  'BLANK',
  'NOPE',
  'ROUND',
  'SWITCH',
  'ARRAYJOIN',
  'DATETIME_FORMAT',
  'VALUE',
]

/** Formula-ish text: grammar-shaped expressions mixed with raw noise. */
const formula: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...FIELD_NAMES).map((n) => `{${n}}`),
    fc.integer({ min: -1000, max: 1000 }).map(String),
    fc.double({ noNaN: false }).map(String),
    fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('TRUE()', 'FALSE()', 'NOW()', 'TODAY()', 'BLANK()', "''", '""'),
    fc
      .tuple(
        tie('expr'),
        fc.constantFrom('+', '-', '*', '/', '&', '=', '!=', '<', '>=', '<='),
        tie('expr'),
      )
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc
      .tuple(fc.constantFrom(...FUNCTIONS), fc.array(tie('expr'), { maxLength: 4 }))
      .map(([f, args]) => `${f}(${args.join(', ')})`),
    tie('expr').map((e) => `(${e})`),
    fc.string({ maxLength: 12 }),
  ),
})).expr

describe('fuzz', () => {
  test('filterByFormula (GET and POST): answers are Airtable-shaped', async () => {
    const { emu, unexpected } = await setup()
    await fc.assert(
      fc.asyncProperty(formula, async (text) => {
        const get = await emu.app.request(
          `/v0/${TEST_BASE_ID}/Tasks?filterByFormula=${encodeURIComponent(text)}`,
          { headers },
        )
        await expectAirtableShaped(get)
        const post = await emu.app.request(`/v0/${TEST_BASE_ID}/Tasks/listRecords`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ filterByFormula: text, sort: [{ field: 'Name' }] }),
        })
        await expectAirtableShaped(post)
      }),
      { numRuns: 300 },
    )
    expect(unexpected).toEqual([])
    await emu.close()
  })

  test('arbitrary bodies on every record endpoint: answers are Airtable-shaped', async () => {
    const { emu, unexpected } = await setup()
    const [existing] = emu.bases.require(TEST_BASE_ID).list('Tasks')
    const fieldsValue = fc.dictionary(
      fc.constantFrom(...FIELD_NAMES),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    )
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        { fields: fieldsValue, typecast: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })) },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          records: fc.array(
            fc.record(
              { id: fc.oneof(fc.constant(existing!.id), fc.string()), fields: fieldsValue },
              { requiredKeys: [] },
            ),
            { maxLength: 12 },
          ),
          performUpsert: fc.oneof(
            fc.record({
              fieldsToMergeOn: fc.array(fc.constantFrom(...FIELD_NAMES), { maxLength: 4 }),
            }),
            fc.jsonValue({ maxDepth: 1 }),
          ),
        },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          pageSize: fc.jsonValue({ maxDepth: 0 }),
          offset: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 0 })),
          fields: fc.array(fc.string(), { maxLength: 3 }),
          sort: fc.jsonValue({ maxDepth: 2 }),
          view: fc.oneof(fc.constantFrom('Open', 'Grid view'), fc.string()),
          cellFormat: fc.constantFrom('json', 'string', 'x'),
          method: fc.constant('post'),
        },
        { requiredKeys: [] },
      ),
    )
    const target = fc.constantFrom(
      ['POST', `/v0/${TEST_BASE_ID}/Tasks`],
      ['PATCH', `/v0/${TEST_BASE_ID}/Tasks`],
      ['PUT', `/v0/${TEST_BASE_ID}/Tasks`],
      ['PATCH', `/v0/${TEST_BASE_ID}/Tasks/${existing!.id}`],
      ['PUT', `/v0/${TEST_BASE_ID}/Tasks/${existing!.id}`],
      ['POST', `/v0/${TEST_BASE_ID}/Tasks/listRecords`],
      ['POST', `/v0/meta/bases/${TEST_BASE_ID}/tables`],
      ['POST', `/v0/meta/bases/${TEST_BASE_ID}/tables/Tasks/fields`],
      ['PATCH', `/v0/meta/bases/${TEST_BASE_ID}/tables/Tasks/fields/Notes`],
      ['POST', `/v0/bases/${TEST_BASE_ID}/webhooks`],
    )
    const raw = fc.oneof(
      body.map((b) => JSON.stringify(b)),
      fc.string({ maxLength: 40 }),
    )
    await fc.assert(
      fc.asyncProperty(target, raw, async ([method, path], text) => {
        const res = await emu.app.request(path, { method, headers, body: text })
        await expectAirtableShaped(res)
      }),
      { numRuns: 400 },
    )
    expect(unexpected).toEqual([])
    await emu.close()
  })

  test('arbitrary query strings on list, get and delete: answers are Airtable-shaped', async () => {
    const { emu, unexpected } = await setup()
    const key = fc.constantFrom(
      'pageSize',
      'maxRecords',
      'offset',
      'view',
      'fields[]',
      'sort[0][field]',
      'sort[0][direction]',
      'cellFormat',
      'timeZone',
      'userLocale',
      'returnFieldsByFieldId',
      'records[]',
      'limit',
      'recordMetadata[]',
    )
    const query = fc.array(fc.tuple(key, fc.string({ maxLength: 10 })), { maxLength: 6 })
    const target = fc.constantFrom(
      ['GET', `/v0/${TEST_BASE_ID}/Tasks`],
      ['GET', `/v0/${TEST_BASE_ID}/Tasks/recAAAAAAAAAAAAAA`],
      ['DELETE', `/v0/${TEST_BASE_ID}/Tasks`],
      ['GET', `/v0/meta/bases/${TEST_BASE_ID}/tables`],
    )
    await fc.assert(
      fc.asyncProperty(target, query, async ([method, path], pairs) => {
        const qs = new URLSearchParams(pairs).toString()
        await expectAirtableShaped(await emu.app.request(`${path}?${qs}`, { method, headers }))
      }),
      { numRuns: 300 },
    )
    expect(unexpected).toEqual([])
    await emu.close()
  })
})
