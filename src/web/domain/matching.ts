/**
 * Host matching for Presence (issue 7): ranks hosts for a member by shared languages, personality
 * tags, availability and session length, with the reasons a page shows beside each host. Pure: no
 * React, no SDK; the pages map Airtable records to these shapes (domain/records.ts).
 *
 * Invariants (tested, matching.test.ts):
 * - A score only grows with more overlap: adding a language, tag or day part the member wants to a
 *   host never lowers that host's score.
 * - Quality signals (rebook rate, completed sessions) are bounded tie-breakers: together they are
 *   worth less than one shared language, so they never outrank a language match.
 * - The ranking is total and stable: equal scores fall back to the name, then the ID.
 *
 * The Presence base has no per-host session length field [?]: a host without `sessionLengths`
 * offers every length and scores neutrally on it.
 */

/** What a member asks for (Members Registry preferences plus the page's filters). */
export interface MatchPreferences {
  /** Preferred Host Languages; when empty, the member's own Language is used. */
  readonly languages: readonly string[]
  /** Preferred Personality Tags. */
  readonly tags: readonly string[]
  /** Day parts the member wants (the page's availability filter). */
  readonly dayParts: readonly string[]
  /** Preferred Session Length, e.g. '45 min'. */
  readonly sessionLength?: string | undefined
}

/** What matching reads of a host (Hosts Registry). */
export interface MatchHost {
  readonly id: string
  readonly name: string
  readonly languages: readonly string[]
  readonly tags: readonly string[]
  readonly availability: readonly string[]
  /** Lengths the host offers; undefined = every length. */
  readonly sessionLengths?: readonly string[] | undefined
  /** Rebook Rate as a fraction (0.42 = 42 %). */
  readonly rebookRate?: number | undefined
  readonly completedSessions?: number | undefined
}

/** Why a host scored what it did; `weight` is its share of the score. */
export interface MatchReason {
  readonly kind: 'language' | 'tags' | 'availability' | 'session-length' | 'quality'
  readonly text: string
  /** True when the reason speaks for the host. */
  readonly positive: boolean
  readonly weight: number
}

/** A host with its score and reasons. */
export interface HostMatch {
  readonly host: MatchHost
  readonly score: number
  readonly reasons: readonly MatchReason[]
}

/** Points per criterion; exported so the tests and the page legend agree. */
export const MATCH_WEIGHTS = {
  firstLanguage: 40,
  extraLanguage: 10,
  tag: 10,
  dayPart: 8,
  sessionLength: 5,
  /** Rebook rate 100 % is worth this much. */
  rebookRate: 6,
  /** Completed sessions add 0.25 each up to this many points. */
  experienceCap: 3,
} as const

const shared = (wanted: readonly string[], offered: readonly string[]): string[] =>
  wanted.filter((value, index) => offered.includes(value) && wanted.indexOf(value) === index)

const list = (values: readonly string[]): string => values.join(', ')

function languageReason(wanted: readonly string[], host: MatchHost): MatchReason | undefined {
  if (wanted.length === 0) return undefined
  const common = shared(wanted, host.languages)
  if (common.length === 0) {
    return { kind: 'language', text: `Speaks none of ${list(wanted)}`, positive: false, weight: 0 }
  }
  const weight = MATCH_WEIGHTS.firstLanguage + (common.length - 1) * MATCH_WEIGHTS.extraLanguage
  return { kind: 'language', text: `Speaks ${list(common)}`, positive: true, weight }
}

function overlapReason(
  kind: 'tags' | 'availability',
  wanted: readonly string[],
  offered: readonly string[],
): MatchReason | undefined {
  if (wanted.length === 0) return undefined
  const common = shared(wanted, offered)
  const per = kind === 'tags' ? MATCH_WEIGHTS.tag : MATCH_WEIGHTS.dayPart
  if (common.length === 0) {
    const text = kind === 'tags' ? 'No shared personality tags' : `Not available ${list(wanted)}`
    return { kind, text, positive: false, weight: 0 }
  }
  const text = kind === 'tags' ? `${list(common)} like you asked` : `Available ${list(common)}`
  return { kind, text, positive: true, weight: common.length * per }
}

function lengthReason(length: string | undefined, host: MatchHost): MatchReason | undefined {
  if (length === undefined || length === '') return undefined
  if (host.sessionLengths === undefined) {
    return {
      kind: 'session-length',
      text: `Offers ${length} sessions`,
      positive: true,
      weight: MATCH_WEIGHTS.sessionLength,
    }
  }
  return host.sessionLengths.includes(length)
    ? {
        kind: 'session-length',
        text: `Offers ${length} sessions`,
        positive: true,
        weight: MATCH_WEIGHTS.sessionLength,
      }
    : { kind: 'session-length', text: `No ${length} sessions`, positive: false, weight: 0 }
}

function qualityReason(host: MatchHost): MatchReason | undefined {
  const rate = Math.min(1, Math.max(0, host.rebookRate ?? 0))
  const done = Math.max(0, host.completedSessions ?? 0)
  const weight =
    rate * MATCH_WEIGHTS.rebookRate + Math.min(MATCH_WEIGHTS.experienceCap, done * 0.25)
  if (weight === 0) return undefined
  const parts = [
    ...(rate > 0 ? [`${Math.round(rate * 100)}% rebook`] : []),
    ...(done > 0 ? [`${done} completed`] : []),
  ]
  return { kind: 'quality', text: parts.join(' · '), positive: true, weight }
}

/** Scores one host for the preferences. */
export function matchHost(preferences: MatchPreferences, host: MatchHost): HostMatch {
  const reasons = [
    languageReason(preferences.languages, host),
    overlapReason('tags', preferences.tags, host.tags),
    overlapReason('availability', preferences.dayParts, host.availability),
    lengthReason(preferences.sessionLength, host),
    qualityReason(host),
  ].filter((reason): reason is MatchReason => reason !== undefined)
  const score = reasons.reduce((sum, reason) => sum + reason.weight, 0)
  return { host, score: Math.round(score * 100) / 100, reasons }
}

/** Compares two matches: higher score first, then name, then ID. */
export function compareMatches(a: HostMatch, b: HostMatch): number {
  return (
    b.score - a.score ||
    a.host.name.localeCompare(b.host.name) ||
    (a.host.id < b.host.id ? -1 : a.host.id > b.host.id ? 1 : 0)
  )
}

/** Ranks hosts for the preferences, best first. */
export function rankHosts(preferences: MatchPreferences, hosts: readonly MatchHost[]): HostMatch[] {
  return hosts.map((host) => matchHost(preferences, host)).sort(compareMatches)
}

/** Filters of the host-selection page: a host passes when it has one of each non-empty list. */
export interface HostFilters {
  readonly languages: readonly string[]
  readonly tags: readonly string[]
  readonly dayParts: readonly string[]
}

/** True when the host passes every non-empty filter. */
export function passesFilters(host: MatchHost, filters: HostFilters): boolean {
  const any = (wanted: readonly string[], offered: readonly string[]): boolean =>
    wanted.length === 0 || wanted.some((value) => offered.includes(value))
  return (
    any(filters.languages, host.languages) &&
    any(filters.tags, host.tags) &&
    any(filters.dayParts, host.availability)
  )
}
