/**
 * Equality of Airtable cell values (V1 REST shapes), as conflict detection and reconciliation
 * need it:
 * - blanks are one value: absent (`undefined`), `null`, `''`, `[]` and `false` (an unchecked
 *   checkbox) are equal — Airtable omits empty cells, so a writer's `''` and a read's absence agree;
 * - arrays are order-sensitive (`setsEqual` ignores order, for merge-sets);
 * - objects with an `id` (attachments, collaborators, link objects) are equal by `id`, since
 *   Airtable adds thumbnails, sizes and signed URLs that change on every read;
 * - other objects (a button, an AI text) compare structurally, key order aside.
 */
import { isEmptyCell } from '../formula/index.ts'

/** The identity of an array item: its `id` when it is an object with one, else its JSON. */
export function itemKey(item: unknown): string {
  if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
    const id = (item as Record<string, unknown>)['id']
    if (typeof id === 'string') return `id:${id}`
    // An attachment being uploaded has no id yet, only the URL it is fetched from.
    const url = (item as Record<string, unknown>)['url']
    if (typeof url === 'string' && !('id' in item)) return `url:${url}`
  }
  return `json:${stableJson(item)}`
}

/** True when two cells hold the same value (see the module header). */
export function cellsEqual(a: unknown, b: unknown): boolean {
  if (isEmptyCell(a) || isEmptyCell(b)) return isEmptyCell(a) && isEmptyCell(b)
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => itemKey(item) === itemKey(b[i]))
  }
  if (typeof a === 'object' && typeof b === 'object') return itemKey(a) === itemKey(b)
  return Object.is(a, b) || a === b
}

/** True when two cells hold the same items, order aside (blanks as in {@link cellsEqual}). */
export function setsEqual(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return cellsEqual(a, b)
  const keys = (items: readonly unknown[]): string[] => [...new Set(items.map(itemKey))].sort()
  const ka = keys(a)
  const kb = keys(b)
  return ka.length === kb.length && ka.every((key, i) => key === kb[i])
}

/** JSON with object keys sorted, so structurally equal values print the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}
