/**
 * Cell value comparisons. Cells are JSON values (V1), so structural equality is enough; empty
 * values (`undefined`, `null`, `''`, `[]`, `false`) are never stored (airtable-api.md §2.1).
 */
/** True for values Airtable omits from `fields` (the shared cell rules' test). */
export { isEmptyCell } from '../../../formula/index.ts'

/** Structural equality of two JSON-like values (object key order ignored). */
export function cellEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Number.isNaN(a) && Number.isNaN(b)
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => cellEqual(item, b[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  return ka.every((k) => Object.hasOwn(rb, k) && cellEqual(ra[k], rb[k]))
}
