/**
 * Pure decisions of the record repository (STYLE habit 11): what a write does to a stored record's
 * fields, and which fields it changed. Fields are keyed by field ID; an empty cell is an absent key
 * (Airtable omits empty cells), so `null` and `undefined` values are dropped.
 */
import type { Fields } from '../protocol/index.ts'

/** How an incoming record's fields combine with the stored ones. */
export type WriteMode =
  /** The incoming fields are the whole record (full sync, Airtable's answer to a write). */
  | 'replace'
  /** Only the incoming keys change; `null` clears a field (webhook payloads, PATCH). */
  | 'merge'

/** True when two JSON values are equal, ignoring object key order (jsonb reorders keys). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, index) => jsonEqual(item, b[index]))
  }
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  const keys = Object.keys(left)
  if (keys.length !== Object.keys(right).length) return false
  return keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]))
}

/** Fields without empty cells (`null`/`undefined` values). */
export function compactFields(fields: Fields): Fields {
  const result: Fields = {}
  for (const [key, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined) result[key] = value
  }
  return result
}

/** The fields a write leaves behind. */
export function applyWrite(stored: Fields | undefined, incoming: Fields, mode: WriteMode): Fields {
  if (mode === 'replace' || stored === undefined) return compactFields(incoming)
  return compactFields({ ...stored, ...incoming })
}

/** Field IDs whose values differ between two field sets, sorted. */
export function changedFieldIds(before: Fields, after: Fields): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...keys].filter((key) => !jsonEqual(before[key], after[key])).sort()
}
