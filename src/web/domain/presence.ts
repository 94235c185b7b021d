/**
 * The Presence domain over Airtable records: maps rows of the Presence base to what the pages
 * show (matching inputs, upcoming vs completed sessions, host statistics, templates, help topics).
 * Pure and framework-free; field names are those of the Presence seed
 * (src/emulator/seed/presence-schema.ts) and the generated types.
 */
// Type-only: the generated Presence types are not re-exported by protocol's index.
import type {
  HelpDeskPromptsFields,
  HostsRegistryFields,
  LikesFields,
  MembersRegistryFields,
  PresenceOperationsFields,
  TemplatesFields,
} from '../../protocol/presence.generated.ts'
import type { HostFilters, MatchHost, MatchPreferences } from './matching.ts'

/** A record as `/v0` returns it. */
export interface PresenceRecord<TFields> {
  readonly id: string
  readonly createdTime: string
  readonly fields: TFields
}

export type MemberRecord = PresenceRecord<MembersRegistryFields>
export type HostRecord = PresenceRecord<HostsRegistryFields>
export type SessionRecord = PresenceRecord<PresenceOperationsFields>
export type TemplateRecord = PresenceRecord<TemplatesFields>
export type HelpRecord = PresenceRecord<HelpDeskPromptsFields>
export type LikeRecord = PresenceRecord<LikesFields>

/** A host as matching sees it. Rebook Rate is a percent field: a fraction (0.42). */
export function toMatchHost(record: HostRecord): MatchHost {
  const fields = record.fields
  return {
    id: record.id,
    name: fields['Full Name'] ?? '(no name)',
    languages: fields['Languages Spoken'] ?? [],
    tags: fields['Personality Tags'] ?? [],
    availability: fields.Availability ?? [],
    rebookRate: fields['Rebook Rate'],
    completedSessions:
      typeof fields['Completed Sessions'] === 'number' ? fields['Completed Sessions'] : undefined,
  }
}

/**
 * A member's matching preferences, narrowed by the page's filters: the filters replace a
 * preference when set. Without preferred host languages the member's own Language counts.
 */
export function toMatchPreferences(
  member: MemberRecord | undefined,
  filters: HostFilters,
): MatchPreferences {
  const fields = member?.fields ?? {}
  const preferred = fields['Preferred Host Languages'] ?? []
  const languages =
    filters.languages.length > 0
      ? filters.languages
      : preferred.length > 0
        ? preferred
        : fields.Language !== undefined
          ? [fields.Language]
          : []
  return {
    languages,
    tags: filters.tags.length > 0 ? filters.tags : (fields['Preferred Personality Tags'] ?? []),
    dayParts: filters.dayParts,
    sessionLength: fields['Preferred Session Length'],
  }
}

/** Sessions split for a dashboard: upcoming (soonest first) and completed (latest first). */
export interface SessionSplit {
  readonly upcoming: SessionRecord[]
  readonly completed: SessionRecord[]
}

const timeOf = (session: SessionRecord): number =>
  Date.parse(session.fields['Session Date/Time'] ?? '') || 0

/** Splits sessions at `nowMs`; cancelled and no-show sessions are in neither list. */
export function splitSessions(sessions: readonly SessionRecord[], nowMs: number): SessionSplit {
  const upcoming = sessions
    .filter((s) => {
      const status = s.fields['Booking Status']
      return (status === 'Pending' || status === 'Confirmed') && timeOf(s) >= nowMs
    })
    .sort((a, b) => timeOf(a) - timeOf(b))
  const completed = sessions
    .filter((s) => s.fields['Booking Status'] === 'Completed')
    .sort((a, b) => timeOf(b) - timeOf(a))
  return { upcoming, completed }
}

/** What a host dashboard shows. */
export interface HostStats {
  /** Rebook Rate of the host's record, as a fraction; undefined when unset. */
  readonly rebookRate: number | undefined
  readonly completedSessions: number
  readonly upcomingSessions: number
  /**
   * Likes linked to the host (the record's `Likes` links). Hosts may not read the Likes table
   * (Presence policies), so the direction is unknown: host-to-member likes count too [?].
   */
  readonly likes: number
}

/** The host's statistics from their record, sessions and likes. */
export function hostStats(input: {
  host: HostRecord | undefined
  sessions: readonly SessionRecord[]
  nowMs: number
}): HostStats {
  const split = splitSessions(input.sessions, input.nowMs)
  const rollup = input.host?.fields['Completed Sessions']
  return {
    rebookRate: input.host?.fields['Rebook Rate'],
    completedSessions: typeof rollup === 'number' ? rollup : split.completed.length,
    upcomingSessions: split.upcoming.length,
    likes: input.host?.fields.Likes?.length ?? 0,
  }
}

/** Replaces `{{name}}` placeholders; unknown ones stay visible so a gap is noticed. */
export function fillTemplate(body: string, values: Readonly<Record<string, string>>): string {
  return body.replace(/\{\{\s*([a-z_]+)\s*\}\}/gi, (whole, name: string) => values[name] ?? whole)
}

/** The active PWA template with this name, if any. */
export function pwaTemplate(
  templates: readonly TemplateRecord[],
  name: string,
): TemplateRecord | undefined {
  return templates.find(
    (t) =>
      t.fields['Template Name'] === name &&
      t.fields['Channel Type'] === 'PWA' &&
      t.fields['Active Status'] === true,
  )
}

/** Active help prompts grouped by category (categories and topics in alphabetical order). */
export function groupHelp(prompts: readonly HelpRecord[]): Array<[string, HelpRecord[]]> {
  const groups = new Map<string, HelpRecord[]>()
  for (const prompt of prompts) {
    if (prompt.fields['Active Status'] !== true) continue
    const category = prompt.fields.Category ?? 'Other'
    groups.set(category, [...(groups.get(category) ?? []), prompt])
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => [
      category,
      list.sort((a, b) => (a.fields.Topic ?? '').localeCompare(b.fields.Topic ?? '')),
    ])
}

/** The first cell of a lookup (lookups are arrays), or undefined. */
export function first(values: readonly string[] | undefined): string | undefined {
  return values?.[0]
}
