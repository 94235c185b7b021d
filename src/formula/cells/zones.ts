/**
 * IANA time zones through Intl (no tz database of our own): validity and a zone's offset from
 * UTC at an instant. Formatters are cached per zone; offsets are whole seconds.
 */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>()

/** Milliseconds the zone is ahead of UTC at instant `ms` (e.g. +3_600_000 for CET in winter). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone)
  if (!format) {
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
    offsetFormatters.set(timeZone, format)
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

/** True when `timeZone` is an IANA zone Intl knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}
