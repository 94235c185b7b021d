/**
 * `typecast: true` (airtable-api.md §2.10): best-effort conversion of loose input into the shape
 * a field accepts, before validation. Strings become numbers, dates, checkboxes, select names and
 * link lists; anything it cannot convert passes through unchanged so validation reports it. Pure:
 * which select options to create, and which record a link's primary-field text names, are the
 * caller's (normalize.ts hooks), since only the emulator's base or the server's mirror knows.
 */
import type { WritableField } from '../types.ts'

/** Field types whose cell is a string. */
export const TEXT_WRITE_TYPES: ReadonlySet<string> = new Set([
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

/**
 * Converts `raw` toward `field`'s write shape; returns it unchanged when it cannot.
 * @example typecastValue({ id: 'fld1', name: 'N', type: 'number' }, '1,234.5') // 1234.5
 */
export function typecastValue(field: WritableField, raw: unknown): unknown {
  if (raw === null || raw === undefined) return raw
  const type = field.type
  if (TEXT_WRITE_TYPES.has(type))
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

/** `"50%"` → 0.5; `"0.5"` → 0.5 (a bare number is already the fraction [?]). */
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
  // Objects are left as they are, so validation rejects them instead of naming a choice "[object Object]".
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
