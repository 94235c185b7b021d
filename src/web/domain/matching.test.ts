import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  MATCH_WEIGHTS,
  matchHost,
  passesFilters,
  rankHosts,
  type MatchHost,
  type MatchPreferences,
} from './matching.ts'

const LANGUAGES = ['English', 'Spanish', 'French', 'German', 'Japanese'] as const
const TAGS = ['Warm', 'Direct', 'Calm', 'Curious'] as const
const DAY_PARTS = ['Weekday Mornings', 'Weekday Evenings', 'Weekends'] as const

const host = (over: Partial<MatchHost> = {}): MatchHost => ({
  id: 'recHost',
  name: 'Host',
  languages: [],
  tags: [],
  availability: [],
  ...over,
})
const prefs = (over: Partial<MatchPreferences> = {}): MatchPreferences => ({
  languages: [],
  tags: [],
  dayParts: [],
  ...over,
})

describe('matchHost', () => {
  test.each([
    {
      name: 'one shared language',
      prefs: prefs({ languages: ['Spanish'] }),
      host: host({ languages: ['Spanish', 'English'] }),
      score: MATCH_WEIGHTS.firstLanguage,
      reasons: ['Speaks Spanish'],
    },
    {
      name: 'two shared languages',
      prefs: prefs({ languages: ['Spanish', 'English'] }),
      host: host({ languages: ['English', 'Spanish'] }),
      score: MATCH_WEIGHTS.firstLanguage + MATCH_WEIGHTS.extraLanguage,
      reasons: ['Speaks Spanish, English'],
    },
    {
      name: 'no shared language',
      prefs: prefs({ languages: ['Japanese'] }),
      host: host({ languages: ['English'] }),
      score: 0,
      reasons: ['Speaks none of Japanese'],
    },
    {
      name: 'tags and availability',
      prefs: prefs({ tags: ['Warm', 'Calm'], dayParts: ['Weekends'] }),
      host: host({ tags: ['Calm', 'Warm', 'Direct'], availability: ['Weekends'] }),
      score: 2 * MATCH_WEIGHTS.tag + MATCH_WEIGHTS.dayPart,
      reasons: ['Warm, Calm like you asked', 'Available Weekends'],
    },
    {
      name: 'unavailable and no shared tags',
      prefs: prefs({ tags: ['Direct'], dayParts: ['Weekday Mornings'] }),
      host: host({ tags: ['Calm'], availability: ['Weekends'] }),
      score: 0,
      reasons: ['No shared personality tags', 'Not available Weekday Mornings'],
    },
    {
      name: 'session length offered when the host lists none',
      prefs: prefs({ sessionLength: '45 min' }),
      host: host(),
      score: MATCH_WEIGHTS.sessionLength,
      reasons: ['Offers 45 min sessions'],
    },
    {
      name: 'session length not offered',
      prefs: prefs({ sessionLength: '60 min' }),
      host: host({ sessionLengths: ['30 min'] }),
      score: 0,
      reasons: ['No 60 min sessions'],
    },
    {
      name: 'quality only',
      prefs: prefs(),
      host: host({ rebookRate: 0.5, completedSessions: 4 }),
      score: 0.5 * MATCH_WEIGHTS.rebookRate + 1,
      reasons: ['50% rebook · 4 completed'],
    },
    {
      name: 'no preferences, no signals',
      prefs: prefs(),
      host: host({ languages: ['English'] }),
      score: 0,
      reasons: [],
    },
  ])('$name', (row) => {
    const match = matchHost(row.prefs, row.host)
    expect(match.score).toBe(row.score)
    expect(match.reasons.map((r) => r.text)).toEqual(row.reasons)
  })

  test('quality never outranks a shared language', () => {
    const wants = prefs({ languages: ['French'] })
    const speaks = host({ id: 'a', name: 'A', languages: ['French'] })
    const famous = host({ id: 'b', name: 'B', rebookRate: 1, completedSessions: 10_000 })
    expect(rankHosts(wants, [famous, speaks]).map((m) => m.host.id)).toEqual(['a', 'b'])
  })

  test('equal scores rank by name, then ID', () => {
    const hosts = [
      host({ id: 'r2', name: 'Bea' }),
      host({ id: 'r3', name: 'Al' }),
      host({ id: 'r1', name: 'Bea' }),
    ]
    expect(rankHosts(prefs(), hosts).map((m) => m.host.id)).toEqual(['r3', 'r1', 'r2'])
  })
})

const subset = <T>(values: readonly T[]): fc.Arbitrary<T[]> =>
  fc.subarray([...values], { minLength: 0 })

const hostArb = fc.record({
  id: fc.constant('recX'),
  name: fc.constant('X'),
  languages: subset(LANGUAGES),
  tags: subset(TAGS),
  availability: subset(DAY_PARTS),
  rebookRate: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  completedSessions: fc.option(fc.nat(50), { nil: undefined }),
})
const prefsArb = fc.record({
  languages: subset(LANGUAGES),
  tags: subset(TAGS),
  dayParts: subset(DAY_PARTS),
  sessionLength: fc.constantFrom(undefined, '30 min', '60 min'),
})

describe('properties', () => {
  test('adding something the member wants never lowers a score', () => {
    fc.assert(
      fc.property(
        fc.record({
          p: prefsArb,
          h: hostArb,
          key: fc.constantFrom('languages', 'tags', 'availability'),
          pick: fc.nat(),
        }),
        ({ p, h, key, pick }) => {
          const wanted = key === 'languages' ? p.languages : key === 'tags' ? p.tags : p.dayParts
          if (wanted.length === 0) return
          const value = wanted[pick % wanted.length]!
          const more = { ...h, [key]: [...h[key], value] }
          expect(matchHost(p, more).score).toBeGreaterThanOrEqual(matchHost(p, h).score)
        },
      ),
    )
  })

  test('the ranking is sorted by score and keeps every host', () => {
    fc.assert(
      fc.property(prefsArb, fc.array(hostArb, { maxLength: 8 }), (p, hosts) => {
        const named = hosts.map((h, i) => ({ ...h, id: `rec${i}`, name: `Host ${i % 3}` }))
        const ranked = rankHosts(p, named)
        expect(ranked).toHaveLength(named.length)
        for (let i = 1; i < ranked.length; i++) {
          expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score)
        }
      }),
    )
  })

  test('the score is the sum of the reasons', () => {
    fc.assert(
      fc.property(prefsArb, hostArb, (p, h) => {
        const match = matchHost(p, h)
        const sum = match.reasons.reduce((total, r) => total + r.weight, 0)
        expect(match.score).toBeCloseTo(sum, 2)
      }),
    )
  })
})

describe('passesFilters', () => {
  test.each([
    { filters: { languages: [], tags: [], dayParts: [] }, passes: true },
    { filters: { languages: ['Spanish'], tags: [], dayParts: [] }, passes: true },
    { filters: { languages: ['German'], tags: [], dayParts: [] }, passes: false },
    { filters: { languages: [], tags: ['Calm', 'Warm'], dayParts: [] }, passes: true },
    { filters: { languages: [], tags: [], dayParts: ['Weekday Mornings'] }, passes: false },
  ])('$filters → $passes', ({ filters, passes }) => {
    const h = host({ languages: ['Spanish'], tags: ['Warm'], availability: ['Weekends'] })
    expect(passesFilters(h, filters)).toBe(passes)
  })
})
