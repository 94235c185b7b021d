/**
 * The committed Presence types against real records: every record the emulator's Presence seed
 * serves fits its table's generated type (checked at run time from the field types), and the
 * types plug into the typed client.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from 'vitest'
import { createAirtableClient, RateLimiter } from '../../airtable/index.ts'
import { loadSeed, startEmulator, type RunningEmulator } from '../../emulator/index.ts'
import type { AirtableRecord, Fields } from '../../protocol/index.ts'
import {
  HostsRegistry,
  Likes,
  MembersRegistry,
  PRESENCE_BASE_ID,
  PresenceOperations,
  type LikesFields,
  type LikesWritable,
  type MembersRegistryFields,
  type MembersRegistryWritable,
  type PresenceOperationsFields,
  type PresenceTables,
} from '../../protocol/presence.generated.ts'
import { cellType } from './cell-types.ts'

const TOKEN = 'patPresenceTypes1.0000'
let running: RunningEmulator

beforeAll(async () => {
  running = await startEmulator({
    tokens: [TOKEN],
    rateLimit: false,
    bases: [loadSeed('presence')],
  })
})
afterAll(async () => {
  await running.close()
})

/** The emulator runs without limits here; so may the client. */
const FAST = new RateLimiter({ baseRatePerSecond: 10_000, tokenRatePerSecond: 10_000 })
const client = () => createAirtableClient({ token: TOKEN, apiUrl: running.url, limiter: FAST })

/** True when `value` fits the generated type text of a cell (the shapes cellType emits). */
function fits(type: string, value: unknown): boolean {
  const alternatives = type.split(' | ').map((t) => t.trim())
  if (alternatives.length > 1 && !type.startsWith('Array<'))
    return alternatives.some((t) => fits(t, value))
  if (type.endsWith('[]'))
    return Array.isArray(value) && value.every((v) => fits(type.slice(0, -2), v))
  if (type.startsWith('Array<'))
    return Array.isArray(value) && value.every((v) => fits(type.slice(6, -1), v))
  if (type.startsWith("'")) return value === type.slice(1, -1).replace(/\\'/g, "'")
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === type
    case 'true':
      return value === true
    case 'AirtableErrorValue':
      return typeof value === 'object' && value !== null && 'error' in value
    case 'AirtableAttachment':
      return typeof value === 'object' && value !== null && 'url' in value && 'id' in value
    case 'AirtableCollaborator':
      return typeof value === 'object' && value !== null && 'id' in value
    default:
      return false
  }
}

describe('the generated Presence types', () => {
  test('every record of every table fits its type, field by field', async () => {
    const airtable = client()
    const schema = await airtable.meta.getBaseSchema(PRESENCE_BASE_ID)
    for (const table of [MembersRegistry, HostsRegistry, PresenceOperations, Likes]) {
      const fields = schema.tables.find((t) => t.id === table.id)?.fields ?? []
      const records = await airtable.table(PRESENCE_BASE_ID, table.name).all({ maxRecords: 600 })
      expect(records.length).toBeGreaterThan(0)
      const problems: string[] = []
      const known = new Set(Object.keys(table.fieldIds))
      for (const record of records) {
        for (const [name, value] of Object.entries(record.fields)) {
          const field = fields.find((f) => f.name === name)
          const type = cellType(field ?? { type: 'unknown' })
          if (!known.has(name) || !fits(type, value))
            problems.push(`${table.name}.${name}: ${JSON.stringify(value)} as ${type}`)
        }
      }
      expect(problems.slice(0, 5)).toEqual([])
    }
  })

  test('a real record from the typed client has the generated fields type', async () => {
    const members = client().table<MembersRegistryFields>(PRESENCE_BASE_ID, MembersRegistry.name)
    const [first] = await members.all({ maxRecords: 1 })
    expectTypeOf(first!).toEqualTypeOf<AirtableRecord<MembersRegistryFields>>()
    expectTypeOf(first!.fields['Member Type']).toEqualTypeOf<
      'Trial' | 'Standard' | 'Premium' | undefined
    >()
    expect(typeof first?.fields['Full Name']).toBe('string')
    const record: AirtableRecord<PresenceTables['Presence Operations']> = await client()
      .table<PresenceOperationsFields>(PRESENCE_BASE_ID, PresenceOperations.id)
      .get(
        (await client().table(PRESENCE_BASE_ID, PresenceOperations.name).all({ maxRecords: 1 }))[0]!
          .id,
      )
    expect(record.fields['Booking Ref']).toMatch(/./)
  })

  test('type-level: usable as client field types; Writable has no computed fields', () => {
    expectTypeOf<MembersRegistryFields>().toExtend<Fields>()
    expectTypeOf<LikesFields>().toHaveProperty('Like ID')
    expectTypeOf<LikesWritable>().not.toHaveProperty('Like ID')
    expectTypeOf<LikesWritable>().not.toHaveProperty('Member Email')
    expectTypeOf<MembersRegistryWritable>().toHaveProperty('Email')
    expectTypeOf<MembersRegistryWritable>().not.toHaveProperty('Host Emails')
    expectTypeOf<LikesFields['Host Joined' & keyof LikesFields]>().toBeNever()
    expectTypeOf<PresenceOperationsFields['Host Joined']>().toEqualTypeOf<true | undefined>()
    expect(MembersRegistry.fieldIds['Host Emails']).toMatch(/^fld/)
  })
})
