/**
 * Issue 3, "done means" 2: after the initial sync, loading a member's dashboard data (profile,
 * active hosts, their sessions, templates) through airsync as that member costs zero Airtable
 * requests, counted by the emulator's stats — and the data is what Airtable holds.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createAirtableClient, RateLimiter } from '../src/airtable/index.ts'
import { PRESENCE_POLICIES } from '../src/policy/index.ts'
import type { AirtableRecord } from '../src/protocol/index.ts'
import { DEMO_MEMBER_EMAIL, loadDashboard, type DashboardData } from './dashboard.ts'
import { startStack, type Stack } from './stack.ts'

let stack: Stack

beforeAll(async () => {
  stack = await startStack()
}, 180_000)
afterAll(async () => {
  await stack.close()
})

/**
 * Airtable requests other than the webhook's: ingestion polls payloads in the background whatever
 * the dashboard does, so those are not the dashboard's cost.
 */
async function readCalls(): Promise<number> {
  const stats = await stack.emulator.stats()
  return stats.total - (stats.byEndpoint['webhooks'] ?? 0)
}

/** The same reads sent straight to the emulator with the server's Airtable token. */
function loadFromEmulator(): Promise<DashboardData> {
  const client = createAirtableClient({
    token: stack.emulator.token,
    apiUrl: stack.emulator.url,
    limiter: new RateLimiter({ baseRatePerSecond: 1000, tokenRatePerSecond: 1000 }),
  })
  return loadDashboard(client, stack.baseId)
}

/** The fields a member may read in `table`, from the Presence policies. */
function memberFields(table: keyof typeof PRESENCE_POLICIES.tables): readonly string[] {
  const rule = PRESENCE_POLICIES.tables[table]
  const fields = 'member' in rule ? rule.member.read.fields : []
  return fields === 'all' ? [] : fields
}

/** Records with only the given fields. */
const only = (records: readonly AirtableRecord[], fields: readonly string[]): AirtableRecord[] =>
  records.map((r) => ({
    ...r,
    fields: Object.fromEntries(Object.entries(r.fields).filter(([k]) => fields.includes(k))),
  }))

/** Without a sort or a view, Airtable's order is arbitrary (airtable-api.md §2): compare by ID. */
const byId = (records: readonly AirtableRecord[]): AirtableRecord[] =>
  [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

describe('a member dashboard', () => {
  test('costs zero Airtable requests after the initial sync', async () => {
    const client = stack.airsync(stack.tokens.member)
    await stack.emulator.resetStats()
    const first = await loadDashboard(client, stack.baseId)
    const again = await loadDashboard(client, stack.baseId)
    expect(await readCalls()).toBe(0)
    expect(again).toEqual(first)

    expect(first.profile).toHaveLength(1)
    expect(first.profile[0]?.fields['Email']).toBe(DEMO_MEMBER_EMAIL)
    expect(first.hosts.length).toBeGreaterThan(10)
    expect(first.sessions.length).toBeGreaterThanOrEqual(16)
    expect(first.templates.length).toBe(18)
    for (const session of first.sessions) {
      expect(session.fields['Member Email']).toEqual([DEMO_MEMBER_EMAIL])
    }
  })

  test('holds what Airtable holds (minus the fields the member may not read)', async () => {
    const mine = await loadDashboard(stack.airsync(stack.tokens.member), stack.baseId)
    const upstream = await loadFromEmulator()
    expect(mine.profile).toEqual(only(upstream.profile, memberFields('Members Registry')))
    expect(mine.hosts).toEqual(upstream.hosts)
    expect(mine.sessions).toEqual(only(upstream.sessions, memberFields('Presence Operations')))
    expect(byId(mine.templates)).toEqual(byId(upstream.templates))
  })

  test('the service key reads the same dashboard, also without calling Airtable', async () => {
    await stack.emulator.resetStats()
    const service = await loadDashboard(stack.airsync(stack.serviceKey), stack.baseId)
    expect(await readCalls()).toBe(0)
    const upstream = await loadFromEmulator()
    expect({ ...service, templates: byId(service.templates) }).toEqual({
      ...upstream,
      templates: byId(upstream.templates),
    })
  })
})
