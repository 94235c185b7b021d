/**
 * `airtable-mcp-server`'s AirtableService used as a library (the class its MCP tools call; the
 * package has no `exports` map, so it is imported from dist/): bases, schema, records, search and
 * comments, plus its error texts (which carry Airtable's raw error body), against the emulator and
 * against airsync, compared answer for answer.
 */
import { AirtableService } from 'airtable-mcp-server/dist/airtableService.js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { normalise, startTargets, type Target, type Targets } from './targets.ts'

let targets: Targets

beforeAll(async () => {
  targets = await startTargets()
})
afterAll(async () => {
  await targets[Symbol.asyncDispose]()
})

/**
 * The error text up to the service's own suggestions: those judge the token's shape (a PAT is
 * `pat….…`, 82 characters; airsync's service key is not), not Airtable's answer.
 */
async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
  } catch (error) {
    return (error as Error).message.split('. Suggestions:')[0] ?? ''
  }
  return 'no error'
}

/** A comment without its times (set by the clock of each run). */
const untimed = (c: object): object =>
  Object.fromEntries(
    Object.entries(c).filter(([key]) => key !== 'createdTime' && key !== 'lastUpdatedTime'),
  )

/** Runs `scenario` on both targets; returns the emulator's transcript after comparing. */
async function compare(
  scenario: (service: AirtableService, target: Target, created: Set<string>) => Promise<object>,
): Promise<Record<string, unknown>> {
  const runs: Record<string, unknown>[] = []
  for (const target of targets.both) {
    const created = new Set<string>()
    const transcript = await scenario(
      new AirtableService(target.token, target.url),
      target,
      created,
    )
    runs.push(normalise(transcript, { tag: target.tag, created }) as Record<string, unknown>)
  }
  const [emulator, airsync] = runs as [Record<string, unknown>, Record<string, unknown>]
  for (const key of Object.keys(emulator)) {
    expect({ [key]: airsync[key] }).toEqual({ [key]: emulator[key] })
  }
  return emulator
}

describe('airtable-mcp-server AirtableService: emulator and airsync answer alike', () => {
  test('listBases, getBaseSchema, listRecords, getRecord, searchRecords', async () => {
    const seen = await compare(async (service) => {
      const bases = await service.listBases()
      const schema = await service.getBaseSchema(targets.baseId)
      const templates = schema.tables.find((t) => t.name === 'Templates')?.id ?? ''
      const records = await service.listRecords(targets.baseId, templates, {
        filterByFormula: '{Active Status}',
        sort: [{ field: 'Template Name', direction: 'asc' }],
        fields: ['Template Name'],
        maxRecords: 5,
      })
      const one = await service.getRecord(targets.baseId, templates, records[0]?.id ?? '')
      const found = await service.searchRecords(targets.baseId, templates, 'Booking')
      return { bases, schema, records, one, found }
    })
    expect(seen['bases']).toMatchObject({ bases: [{ id: targets.baseId, name: 'Presence' }] })
  })

  test('createRecord, updateRecords, comments, deleteRecords', async () => {
    await compare(async (service, target, created) => {
      const record = await service.createRecord(targets.baseId, 'Templates', {
        'Template Name': `mcp ${target.tag}`,
        'Channel Type': 'PWA',
      })
      created.add(record.id)
      const updated = await service.updateRecords(targets.baseId, 'Templates', [
        { id: record.id, fields: { 'Message Body': 'updated' } },
      ])
      const comment = await service.createComment(targets.baseId, 'Templates', record.id, 'first')
      const reply = await service.createComment(
        targets.baseId,
        'Templates',
        record.id,
        'reply',
        comment.id,
      )
      const page = await service.listComments(targets.baseId, 'Templates', record.id, 1)
      const rest = await service.listComments(
        targets.baseId,
        'Templates',
        record.id,
        1,
        page.offset ?? undefined,
      )
      const deleted = await service.deleteRecords(targets.baseId, 'Templates', [record.id])
      return {
        record: { id: record.id, fields: record.fields },
        updated: updated.map((r) => ({ id: r.id, fields: r.fields })),
        comment: untimed(comment),
        reply: { ...untimed(reply), isReplyTo: reply.parentCommentId === comment.id },
        page: page.comments.map(untimed),
        rest: rest.comments.map(untimed),
        deleted,
      }
    })
  })

  test('errors carry the same Airtable body', async () => {
    const seen = await compare(async (service, target) => ({
      badToken: await failure(() => new AirtableService('patNope', target.url).listBases()),
      unknownTable: await failure(() => service.listRecords(targets.baseId, 'No Such Table')),
      unknownRecord: await failure(() =>
        service.getRecord(targets.baseId, 'Templates', 'recXXXXXXXXXXXXXX'),
      ),
      unknownField: await failure(() =>
        service.createRecord(targets.baseId, 'Templates', { Nope: 'x' }),
      ),
      commentOnMissing: await failure(() =>
        service.createComment(targets.baseId, 'Templates', 'recXXXXXXXXXXXXXX', 'x'),
      ),
    }))
    expect(Object.values(seen).map((m) => /"type":"([A-Z_]+)"/.exec(String(m))?.[1])).toEqual([
      'AUTHENTICATION_REQUIRED',
      'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
      'MODEL_ID_NOT_FOUND',
      'UNKNOWN_FIELD_NAME',
      'MODEL_ID_NOT_FOUND',
    ])
  })
})
