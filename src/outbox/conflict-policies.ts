/**
 * Conflict policy declarations (by table and field *names*, with a reason each) and their
 * resolution against a base schema into a lookup by table and field *IDs* — the form
 * {@link resolveThreeWay} asks for. Names are resolved once; a rename in Airtable shows up as a
 * problem (and the default policy) rather than a crash.
 */
import { findField, findTable, type BaseSchema } from '../protocol/index.ts'
import type { ConflictPolicy } from './conflict.ts'

/** A policy and why it is the right one. */
export interface PolicyWithReason {
  policy: ConflictPolicy
  reason: string
}

/** A table's policy, with per-field overrides by field name. */
export interface TableConflictPolicies extends PolicyWithReason {
  fields?: Readonly<Record<string, PolicyWithReason>>
}

/** Policies by table name; tables not listed use `defaultPolicy`. */
export interface ConflictPolicyDocument {
  defaultPolicy: PolicyWithReason
  tables: Readonly<Record<string, TableConflictPolicies>>
}

/** Field types that hold lists: the only ones `merge-sets` can merge. */
const SET_FIELD_TYPES: ReadonlySet<string> = new Set([
  'multipleSelects',
  'multipleRecordLinks',
  'multipleCollaborators',
  'multipleAttachments',
])

/** Policies by table and field ID. */
export interface ConflictPolicyLookup {
  /** The policy of a field (table or field ID). */
  policyFor(tableId: string, fieldId: string): ConflictPolicy
  /** Names that match nothing in the schema, and misapplied `merge-sets`. */
  problems: string[]
}

/** Resolves a policy document against a base schema. Pure. */
export function resolveConflictPolicies(
  document: ConflictPolicyDocument,
  schema: BaseSchema,
): ConflictPolicyLookup {
  const problems: string[] = []
  const byTable = new Map<string, { policy: ConflictPolicy; fields: Map<string, ConflictPolicy> }>()
  for (const [tableName, declared] of Object.entries(document.tables)) {
    const table = findTable(schema, tableName)
    if (table === undefined) {
      problems.push(`conflict policies: no table "${tableName}"`)
      continue
    }
    const fields = new Map<string, ConflictPolicy>()
    for (const [fieldName, { policy }] of Object.entries(declared.fields ?? {})) {
      const field = findField(table, fieldName)
      if (field === undefined) {
        problems.push(`conflict policies: no field "${fieldName}" in "${tableName}"`)
      } else if (policy === 'merge-sets' && !SET_FIELD_TYPES.has(field.type)) {
        // resolveThreeWay would hold every conflict of it: say so now.
        problems.push(
          `conflict policies: "${tableName}.${fieldName}" is ${field.type}, not a list: merge-sets holds its conflicts`,
        )
        fields.set(field.id, policy)
      } else {
        fields.set(field.id, policy)
      }
    }
    byTable.set(table.id, { policy: declared.policy, fields })
  }
  return {
    policyFor: (tableId, fieldId) => {
      const table = byTable.get(tableId)
      return table?.fields.get(fieldId) ?? table?.policy ?? document.defaultPolicy.policy
    },
    problems,
  }
}
