/**
 * Array functions (airtable-formula.md §9.5) over lookups, rollups, links and multi-selects. A
 * scalar argument is a one-item array and a blank an empty one.
 */
import type { FormulaValue } from '../types.ts'
import { flatten, isDateTime, isError, toText } from '../values.ts'
import { fail, int, text } from './args.ts'
import { eager, type FormulaFunction } from './registry.ts'

function items(value: FormulaValue | undefined): readonly FormulaValue[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? (value as readonly FormulaValue[]) : [value]
}

/** A key equal for equal values: type-tagged so that 1 and "1" stay distinct. */
function identity(value: FormulaValue): string {
  if (isDateTime(value)) return `d${value.ms}`
  if (Array.isArray(value)) return `a${toText(value)}`
  return `${typeof value}${toText(value)}`
}

function unique(value: FormulaValue | undefined): FormulaValue[] {
  const seen = new Set<string>()
  const out: FormulaValue[] = []
  for (const item of items(value)) {
    const key = identity(item)
    if (!seen.has(key)) {
      seen.add(key)
      out.push(item)
    }
  }
  return out
}

/**
 * 1-based, inclusive `end`, negative positions count from the end, `end` defaults to the last
 * item (§9.5 [?]).
 */
function slice(args: readonly FormulaValue[]): FormulaValue[] {
  const list = items(args[0])
  const at = (position: number): number => (position < 0 ? list.length + position : position - 1)
  const start = Math.max(at(int(args[1])), 0)
  const end = args[2] === undefined || args[2] === null ? list.length - 1 : at(int(args[2]))
  return list.slice(start, end + 1)
}

export const ARRAY_FUNCTIONS: readonly FormulaFunction[] = [
  // The default separator is undocumented; `", "` matches how arrays read as text (§9.5 [?]).
  eager('ARRAYJOIN', [1, 2], (args) => {
    const separator = text(args[1], ', ')
    return flatten(items(args[0]))
      .map((item) => (isError(item) ? fail(item.message) : toText(item)))
      .join(separator)
  }),
  eager('ARRAYUNIQUE', [1, 1], (args) => unique(args[0])),
  // Drops "" and blanks; keeps false and whitespace-only text [doc].
  eager('ARRAYCOMPACT', [1, 1], (args) => items(args[0]).filter((v) => v !== null && v !== '')),
  eager('ARRAYFLATTEN', [1, 1], (args) => flatten(items(args[0]))),
  eager('ARRAYSLICE', [2, 3], slice),
]
