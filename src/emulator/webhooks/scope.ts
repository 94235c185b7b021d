/**
 * Checks of a specification against the base's schema: at creation (an unknown ID is refused)
 * and after each transaction (a scope or watched field deleted since → error payload, §7.2).
 */
import type { Table } from '../../protocol/schema.ts'
import type { WebhookSpecification } from './spec.ts'

/** The table that holds a view. */
export function tableOfView(tables: readonly Table[], viewId: string): Table | undefined {
  return tables.find((t) => t.views.some((v) => v.id === viewId))
}

/** The table a scope names, directly or through one of its views; undefined when unknown. */
export function scopeTable(tables: readonly Table[], scope: string): Table | undefined {
  return scope.startsWith('viw') ? tableOfView(tables, scope) : tables.find((t) => t.id === scope)
}

/** Why the filters no longer fit the base, or undefined when they do. */
export function filterProblem(
  spec: WebhookSpecification,
  tables: readonly Table[],
): string | undefined {
  const { recordChangeScope, watchDataInFieldIds, watchSchemasOfFieldIds } = spec.options.filters
  let fieldTables = tables
  if (recordChangeScope !== undefined) {
    const table = scopeTable(tables, recordChangeScope)
    if (table === undefined) return `recordChangeScope ${recordChangeScope} does not exist`
    fieldTables = [table]
  }
  const known = new Set(fieldTables.flatMap((t) => t.fields.map((f) => f.id)))
  for (const [name, ids] of [
    ['watchDataInFieldIds', watchDataInFieldIds],
    ['watchSchemasOfFieldIds', watchSchemasOfFieldIds],
  ] as const) {
    const missing = (ids ?? []).filter((id) => !known.has(id))
    if (missing.length > 0) return `${name} names unknown fields: ${missing.join(', ')}`
  }
  return undefined
}
