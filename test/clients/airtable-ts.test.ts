/**
 * `airtable-ts-codegen` and `airtable-ts` (typed tables over airtable.js): the codegen writes the
 * same types for the Presence base from the emulator and from airsync, and airtable-ts's scan, get,
 * insert, update and remove answer alike on both, record for record.
 */
import { AirtableTs, type Item, type Table } from 'airtable-ts'
import { main as codegen } from 'airtable-ts-codegen'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BaseSchema } from '../../src/protocol/index.ts'
import { normalise, startTargets, type Target, type Targets } from './targets.ts'

let targets: Targets

beforeAll(async () => {
  targets = await startTargets()
})
afterAll(async () => {
  await targets[Symbol.asyncDispose]()
})

interface Template extends Item {
  id: string
  templateName: string | null
  messageBody: string | null
  channelType: string | null
  activeStatus: boolean
}

/** The Templates table as the codegen's output defines it (mappings by field ID). */
async function templatesTable(): Promise<Table<Template>> {
  const res = await fetch(`${targets.emulator.url}/v0/meta/bases/${targets.baseId}/tables`, {
    headers: { authorization: `Bearer ${targets.emulator.token}` },
  })
  const { tables } = (await res.json()) as BaseSchema
  const table = tables.find((t) => t.name === 'Templates')
  if (table === undefined) throw new Error('no Templates table')
  const id = (name: string) => table.fields.find((f) => f.name === name)?.id ?? name
  return {
    name: 'Templates',
    baseId: targets.baseId,
    tableId: table.id,
    mappings: {
      templateName: id('Template Name'),
      messageBody: id('Message Body'),
      channelType: id('Channel Type'),
      activeStatus: id('Active Status'),
    },
    schema: {
      templateName: 'string | null',
      messageBody: 'string | null',
      channelType: 'string | null',
      activeStatus: 'boolean',
    },
  }
}

const client = (target: Target) =>
  new AirtableTs({ apiKey: target.token, endpointUrl: target.url, noRetryIfRateLimited: true })

async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
  } catch (error) {
    return (error as Error).message
  }
  return 'no error'
}

describe('airtable-ts-codegen', () => {
  test('generates the same types for the Presence base from both', async () => {
    const [fromEmulator, fromAirsync] = await Promise.all(
      targets.both.map((t) =>
        codegen({ apiKey: t.token, baseId: targets.baseId, endpointUrl: t.url }),
      ),
    )
    expect(fromEmulator).toContain('export interface HostsRegistry extends Item')
    expect(fromEmulator).toContain('completedSessions: number | null')
    expect(fromAirsync).toBe(fromEmulator)
  })
})

describe('airtable-ts: emulator and airsync answer alike', () => {
  test('scan, get, insert, update, remove and a missing record', async () => {
    const table = await templatesTable()
    const runs = []
    for (const target of targets.both) {
      const db = client(target)
      const created = new Set<string>()
      const scanned = await db.scan(table, { filterByFormula: "{Channel Type} = 'PWA'" })
      const got = await db.get(table, scanned[0]?.id ?? '')
      const inserted = await db.insert(table, {
        templateName: `typed ${target.tag}`,
        channelType: 'SMS',
        activeStatus: true,
      })
      created.add(inserted.id)
      const updated = await db.update(table, { id: inserted.id, messageBody: 'hello' })
      const removed = await db.remove(table, inserted.id)
      const missing = await failure(() => db.get(table, inserted.id))
      const transcript = { scanned, got, inserted, updated, removed, missing }
      runs.push(normalise(transcript, { tag: target.tag, created }))
    }
    expect(runs[1]).toEqual(runs[0])
    expect((runs[0] as { scanned: unknown[] }).scanned.length).toBeGreaterThan(0)
  })
})
