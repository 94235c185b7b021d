/**
 * Date parsing for writes (airtable-api.md §5): `date` cells are `YYYY-MM-DD`, `dateTime` cells
 * ISO UTC instants. A zone-less date-time is read in the field's `timeZone` unless that is `utc`,
 * `client` or unknown to Intl, which needs the zone's offset at that wall-clock time (zones.ts).
 */
import { isValidTimeZone, zoneOffsetMs } from '../zones.ts'

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const ZONELESS = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T/

/** Epoch ms of a wall-clock time in `timeZone` (DST gaps resolve forward, like moment). */
function wallClockToMs(wall: number, timeZone: string): number {
  const first = wall - zoneOffsetMs(wall, timeZone)
  return wall - zoneOffsetMs(first, timeZone)
}

/**
 * Parses a dateTime write: ISO with zone, zone-less ISO (read in `timeZone`), or epoch ms.
 * With `loose` (typecast) anything `Date.parse` understands is accepted. Undefined if invalid.
 * @example parseDateTime('2024-01-01T10:00', { timeZone: 'Europe/Paris', loose: false })
 *   // '2024-01-01T09:00:00.000Z'
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
    if (zone === undefined || zone === 'utc' || zone === 'client' || !isValidTimeZone(zone)) {
      return isoOrUndefined(wall)
    }
    return isoOrUndefined(wallClockToMs(wall, zone))
  }
  if (HAS_ZONE.test(text) && ISO_DATE_TIME.test(text)) return isoOrUndefined(Date.parse(text))
  return options.loose ? isoOrUndefined(Date.parse(text)) : undefined
}

/**
 * Parses a date write: `YYYY-MM-DD`, or (permissively) an ISO timestamp whose UTC day is taken
 * [?] — a full timestamp was reported rejected, but clients send them. Typecast accepts anything
 * `Date.parse` reads, and epoch ms. Undefined if invalid.
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
  if (ISO_DATE_TIME.test(text)) return isoOrUndefined(Date.parse(text))?.slice(0, 10)
  return loose
    ? isoOrUndefined(Date.parse(`${text} UTC`) || Date.parse(text))?.slice(0, 10)
    : undefined
}

function isoOrUndefined(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}
