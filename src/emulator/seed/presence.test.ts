import { beforeAll, describe, expect, test } from 'vitest'
import { ManualClock } from '../../shared/clock.ts'
import type { EmulatedBase } from '../state/index.ts'
import { loadBaseDefinition, startOfUtcDay } from './load.ts'
import { presenceDefinition } from './presence.ts'
import {
  DEMO_HOST_EMAIL,
  DEMO_MEMBER_EMAIL,
  EMPTY_BASE_ID,
  loadSeed,
  loadSeedBases,
  PRESENCE_BASE_ID,
  PRESENCE_COUNTS,
  PRESENCE_TABLES as T,
} from './index.ts'

const NOW = Date.UTC(2026, 5, 15, 13, 45)
type Row = { id: string; createdTime: string; fields: Record<string, unknown> }

let base: EmulatedBase
const rows = (table: string, view?: string): Row[] => {
  const render = base.renderer(table)
  return base.list(table, view === undefined ? {} : { view }).map((r) => render(r) as Row)
}
const byEmail = (table: string, email: string): Row =>
  rows(table).find((r) => r.fields['Email'] === email)!

beforeAll(() => {
  base = loadSeed('presence', { clock: new ManualClock(NOW) })
})

describe('the Presence seed', () => {
  test('base ID and row counts per table', () => {
    expect(base.id).toBe(PRESENCE_BASE_ID)
    const counts = Object.fromEntries(base.schema().tables.map((t) => [t.name, base.count(t.id)]))
    expect(counts).toEqual({
      [T.members]: 500,
      [T.hosts]: 60,
      [T.sessions]: 3000,
      [T.templates]: 20,
      [T.help]: 40,
      [T.likes]: 1500,
    })
    expect(counts).toEqual(PRESENCE_COUNTS)
  })

  test('every table has the fields of the issue, primary first, and a Grid view', () => {
    const fields = (name: string) => base.table(name).fields.map((f) => f.name)
    expect(fields(T.sessions).slice(0, 1)).toEqual(['Booking Ref'])
    expect(fields(T.sessions)).toEqual(
      expect.arrayContaining([
        'Member',
        'Host',
        'Member Name',
        'Member Email',
        'Host Name',
        'Host Email',
        'Last Modified',
      ]),
    )
    expect(fields(T.hosts)).toEqual(
      expect.arrayContaining(['Sessions', 'Completed Sessions', 'Rebook Rate', 'Availability']),
    )
    expect(fields(T.members)).toEqual(
      expect.arrayContaining(['Sessions', 'Member Since', 'Profile Photo', 'Last Active']),
    )
    expect(base.table(T.likes).fields[0]).toMatchObject({ name: 'Like ID', type: 'autoNumber' })
    for (const table of base.schema().tables)
      expect(table.views.map((v) => v.name)).toContain('Grid view')
  })

  test('demo accounts exist, with past (Completed) and upcoming (Confirmed) sessions between them', () => {
    const member = byEmail(T.members, DEMO_MEMBER_EMAIL)
    const host = byEmail(T.hosts, DEMO_HOST_EMAIL)
    expect(member.fields).toMatchObject({
      'Verification Status': 'Verified',
      'Member Type': 'Premium',
    })
    expect(host.fields).toMatchObject({
      'Verification Status': 'Verified',
      'Host Status': 'Active',
    })
    const sessions = rows(T.sessions)
    const together = sessions.filter(
      (s) =>
        (s.fields['Member'] as string[])[0] === member.id &&
        (s.fields['Host'] as string[])[0] === host.id,
    )
    const when = (s: Row) => Date.parse(s.fields['Session Date/Time'] as string)
    const past = together.filter((s) => when(s) < NOW)
    const upcoming = together.filter((s) => when(s) > NOW)
    expect(past.length).toBeGreaterThan(0)
    expect(upcoming.length).toBeGreaterThan(0)
    expect(new Set(past.map((s) => s.fields['Booking Status']))).toEqual(new Set(['Completed']))
    expect(new Set(upcoming.map((s) => s.fields['Booking Status']))).toEqual(new Set(['Confirmed']))
    // …and each with others.
    const withOthers = (id: string, side: 'Member' | 'Host') =>
      sessions.filter(
        (s) => (s.fields[side] as string[])[0] === id && s !== together.find((t) => t.id === s.id),
      )
    expect(withOthers(member.id, 'Member').length).toBeGreaterThan(0)
    expect(withOthers(host.id, 'Host').length).toBeGreaterThan(0)
    expect(host.fields['Completed Sessions']).toBe(
      sessions.filter(
        (s) =>
          (s.fields['Host'] as string[])[0] === host.id &&
          s.fields['Booking Status'] === 'Completed',
      ).length,
    )
  })

  test('the demo member and host like each other, both ways', () => {
    const member = byEmail(T.members, DEMO_MEMBER_EMAIL)
    const host = byEmail(T.hosts, DEMO_HOST_EMAIL)
    const between = rows(T.likes).filter(
      (l) =>
        (l.fields['Member'] as string[])[0] === member.id &&
        (l.fields['Host'] as string[])[0] === host.id,
    )
    expect(new Set(between.map((l) => l.fields['Direction']))).toEqual(
      new Set(['Member → Host', 'Host → Member']),
    )
  })

  test('links are symmetric and lookups filled', () => {
    const members = new Map(rows(T.members).map((r) => [r.id, r]))
    const hosts = new Map(rows(T.hosts).map((r) => [r.id, r]))
    const sessions = rows(T.sessions)
    for (const s of sessions) {
      const [memberId] = s.fields['Member'] as string[]
      const [hostId] = s.fields['Host'] as string[]
      const member = members.get(memberId!)!
      const host = hosts.get(hostId!)!
      expect(member.fields['Sessions']).toContain(s.id)
      expect(host.fields['Sessions']).toContain(s.id)
      expect(s.fields['Member Name']).toEqual([member.fields['Full Name']])
      expect(s.fields['Member Email']).toEqual([member.fields['Email']])
      expect(s.fields['Host Name']).toEqual([host.fields['Full Name']])
      expect(s.fields['Host Email']).toEqual([host.fields['Email']])
    }
    const linked = [...members.values()].reduce(
      (n, m) => n + ((m.fields['Sessions'] as string[] | undefined)?.length ?? 0),
      0,
    )
    expect(linked).toBe(sessions.length)
  })

  test('views: Active Hosts (verified, active, by name) and Upcoming (future, not cancelled, by date)', () => {
    const active = rows(T.hosts, 'Active Hosts')
    expect(active.length).toBeGreaterThan(10)
    expect(
      active.every(
        (h) =>
          h.fields['Verification Status'] === 'Verified' && h.fields['Host Status'] === 'Active',
      ),
    ).toBe(true)
    const names = active.map((h) => h.fields['Full Name'] as string)
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)))
    const upcoming = rows(T.sessions, 'Upcoming')
    expect(upcoming.length).toBeGreaterThan(100)
    const times = upcoming.map((s) => Date.parse(s.fields['Session Date/Time'] as string))
    expect(times.every((t) => t > NOW)).toBe(true)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(upcoming.some((s) => s.fields['Booking Status'] === 'Cancelled')).toBe(false)
  })

  test('deterministic: a second load on the same day gives identical records and schema', () => {
    const again = loadSeed('presence', { clock: new ManualClock(NOW + 60 * 60 * 1000) })
    expect(again.schema()).toEqual(base.schema())
    for (const table of Object.values(T)) {
      expect(again.list(table)).toEqual(base.list(table))
    }
  })
})

describe('other seeds', () => {
  test('empty: one table, no records', async () => {
    const [empty] = await loadSeedBases({ seed: 'empty' })
    expect(empty?.id).toBe(EMPTY_BASE_ID)
    expect(empty?.schema().tables.map((t) => [t.name, empty.count(t.id)])).toEqual([['Table 1', 0]])
  })

  test('the lookups the policies read: Members Registry Host Emails, Likes Member and Host Email', () => {
    const member = byEmail(T.members, DEMO_MEMBER_EMAIL)
    const hostEmails = new Set(
      rows(T.sessions)
        .filter((s) =>
          (s.fields['Member Email'] as string[] | undefined)?.includes(DEMO_MEMBER_EMAIL),
        )
        .flatMap((s) => s.fields['Host Email'] as string[]),
    )
    expect(hostEmails.size).toBeGreaterThan(0)
    expect(new Set(member.fields['Host Emails'] as string[])).toEqual(hostEmails)
    expect(member.fields['Host Emails']).toContain(DEMO_HOST_EMAIL)
    const members = new Map(rows(T.members).map((m) => [m.id, m.fields['Email']]))
    const hosts = new Map(rows(T.hosts).map((h) => [h.id, h.fields['Email']]))
    const likes = rows(T.likes)
    for (const like of likes) {
      const memberIds = like.fields['Member'] as string[]
      const hostIds = like.fields['Host'] as string[]
      expect(like.fields['Member Email']).toEqual(memberIds.map((id) => members.get(id)))
      expect(like.fields['Host Email']).toEqual(hostIds.map((id) => hosts.get(id)))
    }
  })

  test('the bulk load equals the base built one create request per record', () => {
    const clock = new ManualClock(NOW)
    const def = presenceDefinition(startOfUtcDay(NOW))
    const byRecord = loadBaseDefinition(def, { clock, trusted: true, records: 'recordByRecord' })
    const bulk = loadBaseDefinition(def, { clock, trusted: true })
    const a = bulk.toSnapshot()
    const b = byRecord.toSnapshot()
    expect(a.tables.map((t) => t.schema)).toEqual(b.tables.map((t) => t.schema))
    expect(a.autoNumbers).toEqual(b.autoNumbers)
    for (const [i, table] of a.tables.entries())
      expect(table.records, table.schema.name).toEqual(b.tables[i]?.records)
  }, 120_000)
})

describe('the Presence seed at another scale', () => {
  test('members and sessions grow; the demo accounts and other tables stay', () => {
    const scaled = loadSeed('presence', {
      clock: new ManualClock(NOW),
      presence: { members: 800, sessions: 5000 },
    })
    const counts = Object.fromEntries(
      scaled.schema().tables.map((t) => [t.name, scaled.count(t.id)]),
    )
    expect(counts).toEqual({ ...PRESENCE_COUNTS, [T.members]: 800, [T.sessions]: 5000 })
    const render = scaled.renderer(T.members)
    const emails = scaled.list(T.members, {}).map((r) => (render(r) as Row).fields['Email'])
    expect(emails[0]).toBe(DEMO_MEMBER_EMAIL)
    expect(new Set(emails).size).toBe(800)
  })
})
