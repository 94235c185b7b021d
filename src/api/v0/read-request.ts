/**
 * Turning a caller's read parameters into a checked plan, shared by list and get: the caller's
 * own names (`fields[]`, `sort`, `filterByFormula`) are resolved against the table as they may
 * see it — so a hidden field is exactly as unknown as a nonexistent one — while the combined
 * filter (policy row filter AND the caller's formula) is evaluated against the full table.
 */
import { checkFormula, FormulaError, type Node } from '../../formula/index.ts'
import { andFilters } from '../../policy/index.ts'
import {
  findField,
  invalidFormulaMessage,
  type ListParams,
  type Table,
  type View,
} from '../../protocol/index.ts'
import type { ReadTarget } from '../context.ts'
import { ApiError, unknownField, viewNotFound } from '../errors.ts'
import type { ResolvedSort } from '../sort.ts'

/** `consistency`: where a read is served from. */
export type Consistency = 'eventual' | 'strong'

/** Reads `consistency` (query, or the POST body); anything else is a 422. */
export function consistencyOf(value: unknown): Consistency {
  if (value === undefined || value === null || value === '' || value === 'eventual') {
    return 'eventual'
  }
  if (value === 'strong') return 'strong'
  throw new ApiError({
    type: 'INVALID_REQUEST_UNKNOWN',
    message:
      'Invalid request: parameter validation failed. consistency must be "eventual" or "strong"',
  })
}

/** The caller's formula parsed and checked against the fields they can see. */
export function checkUserFormula(visible: Table, text: string | undefined): Node | null {
  if (text === undefined || text.trim() === '') return null
  try {
    return checkFormula(text, { hasField: (name) => findField(visible, name) !== undefined })
  } catch (error) {
    if (error instanceof FormulaError) {
      throw new ApiError({
        type: 'INVALID_FILTER_BY_FORMULA',
        message: invalidFormulaMessage(error.message),
        cause: error,
      })
    }
    throw error
  }
}

/** `sort` resolved to visible fields; an unknown or hidden one is UNKNOWN_FIELD_NAME ([?] type). */
export function resolveSort(visible: Table, sort: ListParams['sort']): ResolvedSort[] {
  return (sort ?? []).map((spec) => {
    const field = findField(visible, spec.field)
    if (field === undefined) throw unknownField(spec.field)
    return { field, descending: spec.direction === 'desc' }
  })
}

/** The view by ID or name, or VIEW_NAME_NOT_FOUND. */
export function resolveView(table: Table, view: string | undefined): View | undefined {
  if (view === undefined) return undefined
  const found = table.views.find((v) => v.id === view) ?? table.views.find((v) => v.name === view)
  if (found === undefined) throw viewNotFound(view)
  return found
}

/** The filter applied to the mirror: the row filter AND the caller's formula. */
export function combinedFilter(target: ReadTarget, userFormula: Node | null): Node | null {
  return andFilters(target.access.rowFilter, userFormula)
}
