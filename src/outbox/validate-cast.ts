/**
 * `typecast: true` and date parsing for write validation (airtable-api.md §2.10, §5), written to
 * answer exactly as the emulator does (src/emulator/state/cells/typecast.ts and dates.ts) — kept
 * apart from it on purpose (STYLE: the emulator never shares server code). Strings become numbers,
 * dates, checkboxes, select names; anything that cannot be converted passes through unchanged so
 * validation reports it. Link texts are resolved against the mirror by accept.ts, not here.
 */
import type { Field } from '../protocol/index.ts'

const TEXT_TYPES = new Set([
  'singleLineText',
  'multilineText',
  'richText',
  'email',
  'url',
  'phoneNumber',
])
const NUMBER_TYPES = new Set(['number', 'currency', 'duration', 'rating'])
const TRUE_WORDS = new Set(['true', 'yes', 'y', 'checked', 'check', 'on', '1', 'x', '✓', '✔'])
const FALSE_WORDS = new Set(['false', 'no', 'n', 'unchecked', 'off', '0', ''])

/** Converts `raw` toward `field`'s write shape; returns it unchanged when it cannot. */
export function typecastValue(field: Field, raw: unknown): unknown {
  if (raw === null || raw === undefined) return raw
  const type = field.type
  if (TEXT_TYPES.has(type))
    return typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw
  if (NUMBER_TYPES.has(type)) return typeof raw === 'string' ? parseLooseNumber(raw) : raw
  switch (type) {
    case 'percent':
      return typeof raw === 'string' ? parsePercent(raw) : raw
    case 'checkbox':
      return castCheckbox(raw)
    case 'singleSelect':
      return typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : raw
    case 'multipleSelects':
      return castList(raw)
    case 'multipleRecordLinks':
      return typeof raw === 'string' ? castList(raw) : raw
    case 'singleCollaborator':
      return typeof raw === 'string' ? collaboratorRef(raw) : raw
    case 'multipleCollaborators':
      return Array.isArray(raw)
        ? (raw as unknown[]).map((v) => (typeof v === 'string' ? collaboratorRef(v) : v))
        : typeof raw === 'string'
          ? castList(raw).map((v) => (typeof v === 'string' ? collaboratorRef(v) : v))
          : raw
    default:
      return raw
  }
}

/** `"1,234.5"`, `"$12"`, `" 7 "` → numbers; blank → null; otherwise unchanged. */
function parseLooseNumber(text: string): unknown {
  const cleaned = text.replace(/[\s,$€£¥]/g, '')
  if (cleaned === '') return null
  const value = Number(cleaned)
  return Number.isFinite(value) ? value : text
}

/** `"50%"` → 0.5; `"0.5"` → 0.5. */
function parsePercent(text: string): unknown {
  const trimmed = text.trim()
  if (trimmed.endsWith('%')) {
    const value = parseLooseNumber(trimmed.slice(0, -1))
    return typeof value === 'number' ? value / 100 : text
  }
  return parseLooseNumber(trimmed)
}

function castCheckbox(raw: unknown): unknown {
  if (typeof raw === 'number') return raw !== 0
  if (typeof raw !== 'string') return raw
  const word = raw.trim().toLowerCase()
  if (TRUE_WORDS.has(word)) return true
  if (FALSE_WORDS.has(word)) return false
  return raw
}

/** A comma-separated string or a single scalar becomes a list of trimmed strings. */
function castList(raw: unknown): unknown[] {
  const scalar = (v: unknown): unknown =>
    typeof v === 'string'
      ? v.trim()
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : v
  if (Array.isArray(raw)) return raw.map(scalar)
  if (typeof raw === 'string')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
  return [scalar(raw)]
}

function collaboratorRef(text: string): Record<string, string> {
  return text.includes('@') ? { email: text } : { id: text }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const ZONELESS = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i

/** Milliseconds `timeZone` is ahead of UTC at instant `ms`; undefined for an unknown zone. */
function zoneOffsetMs(ms: number, timeZone: string): number | undefined {
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    return undefined
  }
  const parts: Record<string, number> = {}
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = Number(part.value)
  const asUtc = Date.UTC(
    parts['year'] ?? 1970,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  )
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000))
}

/** Epoch ms of a wall-clock time in `timeZone` (DST gaps resolve forward). */
function wallClockToMs(wall: number, timeZone: string): number {
  const first = wall - (zoneOffsetMs(wall, timeZone) ?? 0)
  return wall - (zoneOffsetMs(first, timeZone) ?? 0)
}

/**
 * A dateTime write: ISO with zone, zone-less ISO (read in the field's `timeZone` unless `utc`
 * or `client`), or epoch ms; with `loose` (typecast) anything `Date.parse` reads. Undefined if
 * invalid.
 */
export function parseDateTime(
  value: unknown,
  options: { timeZone: string | undefined; loose: boolean },
): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? isoOrUndefined(value) : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  const zoneless = ZONELESS.exec(text)
  if (zoneless) {
    const [, y, mo, d, h, mi, s, frac] = zoneless
    const wall = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h ?? 0),
      Number(mi ?? 0),
      Number(s ?? 0),
      Number((frac ?? '0').padEnd(3, '0')),
    )
    const zone = options.timeZone
    if (zone === undefined || zone === 'utc' || zone === 'client') return isoOrUndefined(wall)
    if (zoneOffsetMs(wall, zone) === undefined) return isoOrUndefined(wall)
    return isoOrUndefined(wallClockToMs(wall, zone))
  }
  if (HAS_ZONE.test(text) && /^\d{4}-\d{2}-\d{2}T/.test(text))
    return isoOrUndefined(Date.parse(text))
  return options.loose ? isoOrUndefined(Date.parse(text)) : undefined
}

/**
 * A date write: `YYYY-MM-DD`, or an ISO timestamp whose UTC day is taken (as the emulator);
 * with `loose` anything `Date.parse` reads. Undefined if invalid.
 */
export function parseDate(value: unknown, loose: boolean): string | undefined {
  if (typeof value !== 'string') {
    return loose && typeof value === 'number' ? isoOrUndefined(value)?.slice(0, 10) : undefined
  }
  const text = value.trim()
  const dateOnly = DATE_ONLY.exec(text)
  if (dateOnly) {
    const ms = Date.UTC(Number(dateOnly[1]), Number(dateOnly[2]) - 1, Number(dateOnly[3]))
    const iso = isoOrUndefined(ms)?.slice(0, 10)
    return iso === text ? iso : undefined
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return isoOrUndefined(Date.parse(text))?.slice(0, 10)
  return loose
    ? isoOrUndefined(Date.parse(`${text} UTC`) || Date.parse(text))?.slice(0, 10)
    : undefined
}

function isoOrUndefined(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}
