/**
 * Deterministic rows for the Presence base: one seeded PRNG, dates relative to `dayMs` (the
 * start of the loader's current UTC day), so "Upcoming" sessions exist whatever the date and two
 * loads on the same day give identical bases. Demo accounts come first in their tables.
 */
import type { RecordDefinition } from './definition.ts'
import { derivedId, Random } from './ids.ts'
import type { BOOKING_STATUS } from './presence-schema.ts'
import { DIRECTIONS, MEMBER_TYPES, PLAN_TYPES, SESSION_LENGTHS, TABLES } from './presence-schema.ts'
import {
  DAY_PARTS,
  FIRST_NAMES,
  HELP_TOPICS,
  HOST_BIOS,
  INTERESTS,
  LANGUAGES,
  LAST_NAMES,
  MEMBER_BIOS,
  PERSONALITY_TAGS,
  PLACES,
  TEMPLATES,
} from './presence-words.ts'

export const PRESENCE_SEED = 'presence-v1'
export const DEMO_MEMBER_EMAIL = 'member@presence.test'
export const DEMO_HOST_EMAIL = 'host@presence.test'

export const PRESENCE_COUNTS = {
  [TABLES.members]: 500,
  [TABLES.hosts]: 60,
  [TABLES.sessions]: 3000,
  [TABLES.templates]: 20,
  [TABLES.help]: 40,
  [TABLES.likes]: 1500,
} as const

/**
 * How many rows the scalable Presence tables get (benchmarks grow the base; the default is the
 * demo base every test knows). Rows stay deterministic for a given scale.
 */
export interface PresenceScale {
  /** Members Registry rows (≥ 2). @default 500 */
  members?: number
  /** Presence Operations rows (≥ 24: the demo sessions). @default 3000 */
  sessions?: number
}

interface Counts {
  members: number
  hosts: number
  sessions: number
  likes: number
}

function countsOf(scale: PresenceScale): Counts {
  const members = scale.members ?? PRESENCE_COUNTS[TABLES.members]
  const sessions = scale.sessions ?? PRESENCE_COUNTS[TABLES.sessions]
  if (!Number.isInteger(members) || members < 2) throw new Error(`members: ${members} (≥ 2)`)
  if (!Number.isInteger(sessions) || sessions < 24) throw new Error(`sessions: ${sessions} (≥ 24)`)
  return {
    members,
    sessions,
    hosts: PRESENCE_COUNTS[TABLES.hosts],
    likes: PRESENCE_COUNTS[TABLES.likes],
  }
}

const HOUR_MS = 60 * 60 * 1000
const DAY_MS = 24 * HOUR_MS

const recordIds = new Map<string, string>()

/** The final record ID of row `index` of a Presence table (links name rows by it). */
export function presenceRecordId(table: string, index: number): string {
  const key = `${table}\u0000${index}`
  let id = recordIds.get(key)
  if (id === undefined) {
    id = index < SCALED_FROM ? derivedId('rec', PRESENCE_SEED, table, index) : scaledId(table, index)
    recordIds.set(key, id)
  }
  return id
}

/** Rows past the demo base's sizes: random IDs would collide by the hundred thousand. */
const SCALED_FROM = 3000
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** A table-specific 10-character stem and the index in 4 base-62 digits (up to 14.7 M rows). */
function scaledId(table: string, index: number): string {
  let digits = ''
  for (let n = index, i = 0; i < 4; i++, n = Math.floor(n / 62)) digits = BASE62[n % 62] + digits
  return derivedId('rec', PRESENCE_SEED, table, 'scaled').slice(0, 13) + digits
}

const iso = (ms: number): string => new Date(ms).toISOString()

interface Person {
  name: string
  email: string
  phone: string
  place: (typeof PLACES)[number]
}

function person(rng: Random, role: 'member' | 'host', index: number): Person {
  const first = rng.pick(FIRST_NAMES)
  const last = rng.pick(LAST_NAMES)
  const place = rng.pick(PLACES)
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}.${role}${index}@example.com`.toLowerCase(),
    phone: `${place[3]}${rng.chars(7, '0123456789')}`,
    place,
  }
}

function memberRecords(rng: Random, dayMs: number, counts: Counts): RecordDefinition[] {
  const count = counts.members
  return Array.from({ length: count }, (_, i) => {
    const p = person(rng, 'member', i)
    const demo = i === 0
    // Members join in weekly cohorts over two years, oldest first (createdTime = Member Since).
    const joinedMs = dayMs - Math.floor(((count - i) / count) * 104) * 7 * DAY_MS
    const fields: Record<string, unknown> = {
      'Full Name': demo ? 'Demo Member' : p.name,
      Email: demo ? DEMO_MEMBER_EMAIL : p.email,
      'Mobile Number': p.phone,
      'About You': rng.pick(MEMBER_BIOS),
      'Verification Status': demo
        ? 'Verified'
        : rng.chance(0.8)
          ? 'Verified'
          : rng.pick(['Pending', 'Rejected']),
      'Member Type': demo ? 'Premium' : rng.pick(MEMBER_TYPES),
      Interests: rng.sample(INTERESTS, rng.int(1, 4)),
      Country: p.place[0],
      'Time Zone': p.place[1],
      Language: p.place[2],
      'Preferred Host Languages': rng.sample(LANGUAGES, rng.int(1, 2)),
      'Preferred Personality Tags': rng.sample(PERSONALITY_TAGS, rng.int(1, 3)),
      'Preferred Session Length': rng.pick(SESSION_LENGTHS),
      'Stripe Customer ID': `cus_${rng.chars(14)}`,
      'Last Active': iso(dayMs - rng.int(0, 30 * 24) * HOUR_MS),
    }
    if (demo || rng.chance(0.7)) {
      fields['Profile Photo'] = [
        { url: `https://images.presence.test/members/${i}.jpg`, filename: `member-${i}.jpg` },
      ]
    }
    return { id: presenceRecordId(TABLES.members, i), createdTime: iso(joinedMs), fields }
  })
}

function hostRecords(rng: Random, dayMs: number, counts: Counts): RecordDefinition[] {
  const count = counts.hosts
  return Array.from({ length: count }, (_, i) => {
    const p = person(rng, 'host', i)
    const demo = i === 0
    const fields: Record<string, unknown> = {
      'Full Name': demo ? 'Demo Host' : p.name,
      Email: demo ? DEMO_HOST_EMAIL : p.email,
      'Mobile Number': p.phone,
      'Profile Photo': [
        { url: `https://images.presence.test/hosts/${i}.jpg`, filename: `host-${i}.jpg` },
      ],
      'Full-Length Photo': [
        { url: `https://images.presence.test/hosts/${i}-full.jpg`, filename: `host-${i}-full.jpg` },
      ],
      'Intro Video': `https://video.presence.test/intro/${i}`,
      'About You': rng.pick(HOST_BIOS),
      'Languages Spoken': [
        p.place[2],
        ...rng.sample(
          LANGUAGES.filter((l) => l !== p.place[2]),
          rng.int(0, 2),
        ),
      ],
      'Personality Tags': rng.sample(PERSONALITY_TAGS, rng.int(2, 3)),
      'Verification Status': demo || rng.chance(0.85) ? 'Verified' : 'Pending',
      'Host Status': demo || rng.chance(0.75) ? 'Active' : rng.pick(['Paused', 'Inactive']),
      'Stripe Connect ID': `acct_${rng.chars(16)}`,
      Availability: rng.sample(DAY_PARTS, rng.int(1, 3)),
      'Rebook Rate': rng.int(20, 95) / 100,
      'Time Zone': p.place[1],
    }
    return { id: presenceRecordId(TABLES.hosts, i), createdTime: iso(dayMs - 800 * DAY_MS), fields }
  })
}

/** Who meets whom: the demo pair first (past and upcoming), then random pairs. */
function sessionPair(rng: Random, i: number, counts: Counts): [member: number, host: number] {
  if (i < 8) return [0, 0]
  if (i < 16) return [0, rng.int(1, counts.hosts - 1)]
  if (i < 24) return [rng.int(1, counts.members - 1), 0]
  return [rng.int(0, counts.members - 1), rng.int(0, counts.hosts - 1)]
}

function bookingStatus(rng: Random, past: boolean, demo: boolean): (typeof BOOKING_STATUS)[number] {
  if (demo) return past ? 'Completed' : 'Confirmed'
  if (past) return rng.chance(0.8) ? 'Completed' : rng.pick(['Cancelled', 'No-Show'])
  return rng.chance(0.7) ? 'Confirmed' : rng.pick(['Pending', 'Cancelled'])
}

function sessionRecords(rng: Random, dayMs: number, counts: Counts): RecordDefinition[] {
  const count = counts.sessions
  // Sessions span 120 days back to 60 days ahead, in booking order; the first 24 involve demos.
  const sessions = Array.from({ length: count }, (_, i) => {
    const [member, host] = sessionPair(rng, i, counts)
    const demo = i < 24
    const past = demo ? i % 2 === 0 : rng.chance(2 / 3)
    const offsetHours = past ? -rng.int(2, 120 * 24) : rng.int(2, 60 * 24)
    return { i, member, host, demo, past, sessionMs: dayMs + offsetHours * HOUR_MS }
  })
  return sessions
    .map(({ i, member, host, demo, past, sessionMs }) => {
      const status = bookingStatus(rng, past, demo)
      const amount = rng.pick([25, 35, 45, 60])
      const paid = status === 'Completed' || status === 'Confirmed' || status === 'No-Show'
      const payment =
        status === 'Cancelled'
          ? rng.pick(['Refunded', 'Unpaid'])
          : paid
            ? rng.chance(0.97)
              ? 'Paid'
              : 'Failed'
            : 'Unpaid'
      const calId = `cal_${rng.chars(10)}`
      const fields: Record<string, unknown> = {
        'Booking Ref': `PR-${String(i + 1).padStart(5, '0')}`,
        Member: [presenceRecordId(TABLES.members, member)],
        Host: [presenceRecordId(TABLES.hosts, host)],
        'Session Date/Time': iso(sessionMs),
        'Booking Status': status,
        'Payment Status': payment,
        'Notification Status': rng.chance(0.9) ? 'Sent' : rng.pick(['Not Sent', 'Failed']),
        'Plan Type': rng.pick(PLAN_TYPES),
        Amount: amount,
        'Cal.com Booking ID': calId,
        'Cal.com URL': `https://cal.com/presence/booking/${calId}`,
        'Video Room Status':
          status === 'Completed' || status === 'No-Show'
            ? 'Ended'
            : status === 'Confirmed'
              ? 'Ready'
              : 'Not Created',
        'Host Joined': status === 'Completed' || (status === 'No-Show' && rng.chance(0.5)),
        'Member Joined': status === 'Completed',
      }
      if (payment !== 'Unpaid') fields['Transaction ID'] = `pi_${rng.chars(20)}`
      if (status !== 'Cancelled' && status !== 'Pending')
        fields['Video Room URL'] = `https://rooms.presence.test/${rng.chars(12).toLowerCase()}`
      // Bookings are made days before the session, never after today's start.
      const bookedMs = Math.min(sessionMs - rng.int(1, 14) * DAY_MS, dayMs)
      return {
        id: presenceRecordId(TABLES.sessions, i),
        createdTime: iso(startOfDay(bookedMs)),
        fields,
      }
    })
    .sort((a, b) => (a.createdTime < b.createdTime ? -1 : a.createdTime > b.createdTime ? 1 : 0))
}

const startOfDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS

function likeRecords(rng: Random, dayMs: number, counts: Counts): RecordDefinition[] {
  const count = counts.likes
  return Array.from({ length: count }, (_, i) => {
    // The demo pair like each other, and a few others like or are liked by them.
    const member =
      i < 6 ? 0 : i < 10 ? rng.int(1, counts.members - 1) : rng.int(0, counts.members - 1)
    const host = i < 6 ? 0 : i < 10 ? 0 : rng.int(0, counts.hosts - 1)
    const direction = i < 6 ? DIRECTIONS[i % 2] : rng.pick(DIRECTIONS)
    return {
      id: presenceRecordId(TABLES.likes, i),
      createdTime: iso(dayMs - (count - i) * 2 * HOUR_MS),
      fields: {
        Member: [presenceRecordId(TABLES.members, member)],
        Host: [presenceRecordId(TABLES.hosts, host)],
        Direction: direction,
      },
    }
  })
}

/** Every Presence table's records, by table name. */
export function presenceRecords(
  dayMs: number,
  scale: PresenceScale = {},
): Record<string, RecordDefinition[]> {
  const rng = new Random(PRESENCE_SEED)
  const counts = countsOf(scale)
  return {
    [TABLES.members]: memberRecords(rng, dayMs, counts),
    [TABLES.hosts]: hostRecords(rng, dayMs, counts),
    [TABLES.sessions]: sessionRecords(rng, dayMs, counts),
    [TABLES.templates]: TEMPLATES.map(([name, channel, body], i) => ({
      id: presenceRecordId(TABLES.templates, i),
      fields: {
        'Template Name': name,
        'Message Body': body,
        'Channel Type': channel,
        'Active Status': i % 7 !== 6,
      },
    })),
    [TABLES.help]: HELP_TOPICS.map(([category, topic], i) => ({
      id: presenceRecordId(TABLES.help, i),
      fields: {
        Topic: topic,
        Category: category,
        'Default Response': `Thanks for asking about "${topic.toLowerCase()}". Here is what to do: open Help in the app, choose ${category}, and follow the steps. Still stuck? Reply and a person will help.`,
        'Active Status': i % 10 !== 9,
      },
    })),
    [TABLES.likes]: likeRecords(rng, dayMs, counts),
  }
}
