/**
 * The official `airtable` package (airtable.js): every documented call and every 4xx error type it
 * can provoke, run against the emulator and against airsync; the answers must match record for
 * record. Documented difference: airsync accepts more than 10 records per write (it batches them
 * for Airtable), where Airtable answers 422 INVALID_RECORDS.
 */
import Airtable from 'airtable'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { normalise, startTargets, type Target, type Targets } from './targets.ts'

let targets: Targets

beforeAll(async () => {
  targets = await startTargets()
})
afterAll(async () => {
  await targets[Symbol.asyncDispose]()
})

const TABLE = 'Templates'

function baseFor(target: Target, token = target.token): Airtable.Base {
  return new Airtable({
    apiKey: token,
    endpointUrl: target.url,
    noRetryIfRateLimited: true,
  }).base(targets.baseId)
}

type AnyRecord = Airtable.Record<Airtable.FieldSet>
const plain = (r: AnyRecord) => ({ id: r.id, fields: r.fields })
const withTime = (r: AnyRecord) => ({ ...plain(r), createdTime: r._rawJson.createdTime as string })

/** What airtable.js rejects with, as the caller sees it. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    const e = error as { error?: string; message?: string; statusCode?: number }
    return { error: e.error, message: e.message, statusCode: e.statusCode }
  }
  return 'no error'
}

/** Runs `scenario` against both targets and compares the normalised transcripts entry by entry. */
async function compare(
  scenario: (target: Target, created: Set<string>) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const runs = []
  for (const target of targets.both) {
    const created = new Set<string>()
    const transcript = await scenario(target, created)
    runs.push(normalise(transcript, { tag: target.tag, created }))
  }
  const [emulator, airsync] = runs as [Record<string, unknown>, Record<string, unknown>]
  for (const key of Object.keys(emulator)) {
    expect({ [key]: airsync[key] }).toEqual({ [key]: emulator[key] })
  }
  expect(Object.keys(airsync)).toEqual(Object.keys(emulator))
  return emulator
}

describe('airtable.js: emulator and airsync answer alike', () => {
  test('reads: select (filter, sort, fields, view, maxRecords), all, eachPage, firstPage, find', async () => {
    const seen = await compare(async (target) => {
      const table = baseFor(target)(TABLE)
      const filtered = await table
        .select({
          filterByFormula: "{Channel Type} = 'SMS'",
          sort: [{ field: 'Template Name', direction: 'desc' }],
          fields: ['Template Name', 'Channel Type'],
        })
        .all()
      const all = await table.select({ view: 'Grid view' }).all()
      const pages: string[][] = []
      await table.select({ pageSize: 7 }).eachPage((records, next) => {
        pages.push(records.map((r) => r.id))
        next()
      })
      const first = await table.select({ maxRecords: 3 }).firstPage()
      const found = await table.find(all[0]?.id ?? '')
      return {
        filtered: filtered.map(plain),
        all: all.map(withTime),
        pages,
        first: first.map(withTime),
        found: withTime(found),
      }
    })
    expect((seen['pages'] as string[][]).map((p) => p.length)).toEqual([7, 7, 6])
  })

  test('writes: create one and many, update, replace, upsert, destroy one and many', async () => {
    await compare(async (target, created) => {
      const table = baseFor(target)(TABLE)
      const name = (n: string) => `${n} ${target.tag}`
      const one = await table.create({ 'Template Name': name('one'), 'Channel Type': 'SMS' })
      const many = await table.create(
        [
          { fields: { 'Template Name': name('two') } },
          { fields: { 'Template Name': name('three') } },
        ],
        { typecast: true },
      )
      for (const r of [one, ...many]) created.add(r.id)
      const [second, third] = many as [AnyRecord, AnyRecord]
      const updatedOne = await table.update(one.id, { 'Active Status': true })
      const updatedMany = await table.update([
        { id: second.id, fields: { 'Message Body': 'body' } },
        { id: third.id, fields: { 'Channel Type': 'PWA' } },
      ])
      const replaced = await table.replace(one.id, { 'Template Name': name('one, replaced') })
      // airtable.js's typings require an `id` per record; upsert records have none (documented).
      const upsert = table.update as unknown as (
        records: { fields: Airtable.FieldSet }[],
        opts: { performUpsert: { fieldsToMergeOn: string[] } },
      ) => Promise<AnyRecord[]>
      const upserted = await upsert.call(
        table,
        [
          { fields: { 'Template Name': name('two'), 'Active Status': true } },
          { fields: { 'Template Name': name('four'), 'Channel Type': 'PWA' } },
        ],
        { performUpsert: { fieldsToMergeOn: ['Template Name'] } },
      )
      for (const r of upserted) created.add(r.id)
      const destroyedOne = await table.destroy(one.id)
      const rest = [...created].filter((id) => id !== one.id)
      const destroyedMany = await table.destroy(rest)
      const gone = await failure(() => table.find(one.id))
      return {
        one: plain(one),
        many: many.map(plain),
        updatedOne: plain(updatedOne),
        updatedMany: updatedMany.map(plain),
        replaced: plain(replaced),
        upserted: upserted.map(plain),
        destroyedOne: destroyedOne.id,
        destroyedMany: destroyedMany.map((r) => r.id),
        gone,
      }
    })
  })

  test('errors: every 4xx type airtable.js can provoke', async () => {
    const seen = await compare(async (target) => {
      const base = baseFor(target)
      const table = base(TABLE)
      return {
        401: await failure(() =>
          baseFor(target, 'patNotAToken00000.x')(TABLE).select().firstPage(),
        ),
        403: await failure(() => base('No Such Table').select().firstPage()),
        404: await failure(() => table.find('recXXXXXXXXXXXXXX')),
        unknownField: await failure(() => table.create({ Nope: 'x' })),
        badValue: await failure(() =>
          table.create({ 'Active Status': 'yes' as unknown as boolean }),
        ),
        computed: await failure(() => base('Likes').create({ 'Like ID': 5 })),
        badChoice: await failure(() => table.create({ 'Channel Type': 'Fax' })),
        missingRow: await failure(() =>
          table.update([{ id: 'recXXXXXXXXXXXXXX', fields: { 'Message Body': 'x' } }]),
        ),
        badFormula: await failure(() => table.select({ filterByFormula: 'NOPE(' }).firstPage()),
        unknownFormulaField: await failure(() =>
          table.select({ filterByFormula: '{Nope} = 1' }).firstPage(),
        ),
        badView: await failure(() => table.select({ view: 'No Such View' }).firstPage()),
        badSort: await failure(() => table.select({ sort: [{ field: 'Nope' }] }).firstPage()),
        badFields: await failure(() => table.select({ fields: ['Nope'] }).firstPage()),
        badPageSize: await failure(() => table.select({ pageSize: 101 }).firstPage()),
        missingFieldsKey: await failure(() => table.update([{ id: 'recXXXXXXXXXXXXXX' } as never])),
      }
    })
    const types = Object.fromEntries(
      Object.entries(seen).map(([k, v]) => [k, (v as { error?: string }).error]),
    )
    // airtable.js renames 401/403/404 types (airtable-api.md §8); the rest are Airtable's own.
    expect(types).toEqual({
      401: 'AUTHENTICATION_REQUIRED',
      403: 'NOT_AUTHORIZED',
      404: 'NOT_FOUND',
      unknownField: 'UNKNOWN_FIELD_NAME',
      badValue: 'INVALID_VALUE_FOR_COLUMN',
      computed: 'INVALID_VALUE_FOR_COLUMN',
      badChoice: 'INVALID_MULTIPLE_CHOICE_OPTIONS',
      missingRow: 'ROW_DOES_NOT_EXIST',
      badFormula: 'INVALID_FILTER_BY_FORMULA',
      unknownFormulaField: 'INVALID_FILTER_BY_FORMULA',
      badView: 'VIEW_NAME_NOT_FOUND',
      badSort: 'UNKNOWN_FIELD_NAME',
      badFields: 'UNKNOWN_FIELD_NAME',
      badPageSize: 'INVALID_REQUEST_UNKNOWN',
      missingFieldsKey: 'INVALID_REQUEST_MISSING_FIELDS',
    })
  })

  test('documented difference: 11 records in one create', async () => {
    const eleven = (tag: string) =>
      Array.from({ length: 11 }, (_, i) => ({ fields: { 'Template Name': `bulk ${i} ${tag}` } }))
    const { emulator, airsync } = targets
    const refused = await failure(() => baseFor(emulator)(TABLE).create(eleven(emulator.tag)))
    expect(refused).toMatchObject({ error: 'INVALID_RECORDS', statusCode: 422 })
    const accepted = await baseFor(airsync)(TABLE).create(eleven(airsync.tag))
    expect(accepted).toHaveLength(11)
    await baseFor(airsync)(TABLE).destroy(accepted.slice(0, 10).map((r) => r.id))
    await baseFor(airsync)(TABLE).destroy(accepted.slice(10).map((r) => r.id))
  })
})
