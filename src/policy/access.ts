/**
 * The policy engine: what one principal may do on one table. Built once per base schema (rebuild
 * it when the schema changes: rules are resolved to field IDs). The service key bypasses
 * policies; a user gets their role's rule with the claim functions bound to their claims.
 *
 * How the API uses an access (reads, writes and the SSE stream alike):
 * - `canRead` false → answer 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND, as for a missing table.
 * - Check the caller's `fields[]`, `sort` and `filterByFormula` with {@link checkReadRequest}
 *   (visibility.ts), then filter with `andFilters(access.rowFilter, userFormula)`.
 * - Send records through {@link projectFields} (visibility.ts).
 * - Get by ID: apply the same row filter; a row it does not admit is 404 MODEL_ID_NOT_FOUND, as
 *   if it did not exist. Views: the view's filter ANDed with the row filter, never instead of it.
 * - The user's formula is checked against the visible table, but the combined filter is
 *   compiled against the full table: the policy's own formula may use fields the user cannot see.
 */
import { parseFormula } from '../formula/index.ts'
import type { Node } from '../formula/ast.ts'
import { findTable } from '../protocol/schema.ts'
import type { BaseSchema, Table } from '../protocol/schema.ts'
import type { Principal } from './auth.ts'
import { bindClaims } from './claims.ts'
import { compilePolicy } from './compile.ts'
import type {
  CompiledPolicy,
  CompiledRowRule,
  CompileOptions,
  FieldSet,
  WriteValues,
} from './compile.ts'
import { PolicyError } from './errors.ts'
import { FALSE_NODE } from './formula-ast.ts'
import { policyKeyedFields, type KeyedField } from './keyed-fields.ts'
import { parsePolicyDocument } from './policy.ts'
import type { PolicyDocumentInput } from './policy.ts'

/** Whether an operation is allowed at all, and on which rows (`null` = every row). */
export interface RowAccess {
  readonly allowed: boolean
  /** `FALSE()` when not allowed, so a caller that ignores `allowed` still gets no row. */
  readonly rowFilter: Node | null
}

/** What a principal may do on a table. */
export interface TableAccess {
  readonly table: Table
  readonly canRead: boolean
  /** ANDed into every read; `null` = every row. */
  readonly rowFilter: Node | null
  /** Field IDs the principal may read, or `'all'`. */
  readonly readableFieldIds: FieldSet
  readonly canCreate: boolean
  readonly canUpdate: boolean
  readonly canDelete: boolean
  readonly create: RowAccess
  readonly update: RowAccess
  readonly delete: RowAccess
  /** Field IDs the principal may write on create and update, or `'all'`. */
  readonly writableFieldIds: FieldSet
  /** The only values some writable fields (by ID) may take; other fields take any. */
  readonly writableValues: WriteValues
  /** Whether `typecast` may create select options (change the schema). */
  readonly canCreateSelectOptions: boolean
  /** Why the rule exists (the policy's reason), for audit and error logs. */
  readonly reason: string
}

export interface PolicyEngineOptions {
  /** The policy document (validated here). */
  policies: PolicyDocumentInput
  /** The base schema the rules are resolved against. */
  schema: BaseSchema
  /** @default parseFormula */
  parse?: (text: string) => Node
  /** @default 'deny' (see {@link CompileOptions.onUnresolved}) */
  onUnresolved?: CompileOptions['onUnresolved']
}

export interface PolicyEngine {
  /** The access of `principal` to a table given by ID or name; throws for an unknown table. */
  policyFor(principal: Principal, tableIdOrName: string): TableAccess
  /** Rules that did not resolve against the schema (and therefore deny); log them at start. */
  readonly problems: readonly string[]
  readonly schema: BaseSchema
  /** Fields the row rules compare with text: the mirror indexes their keys. */
  readonly keyedFields: readonly KeyedField[]
}

const ALLOW_ALL: RowAccess = { allowed: true, rowFilter: null }
const DENY: RowAccess = { allowed: false, rowFilter: FALSE_NODE }
const EMPTY = new Set<string>()
const NO_VALUES: WriteValues = new Map()

/**
 * Validates and compiles the policies for a schema.
 * @example
 * const engine = createPolicyEngine({ policies: PRESENCE_POLICIES, schema })
 * const access = engine.policyFor(principal, 'Members Registry')
 */
export function createPolicyEngine(options: PolicyEngineOptions): PolicyEngine {
  const document = parsePolicyDocument(options.policies)
  const compiled: CompiledPolicy = compilePolicy(document, options.schema, {
    parse: options.parse ?? parseFormula,
    ...(options.onUnresolved === undefined ? {} : { onUnresolved: options.onUnresolved }),
  })
  return {
    problems: compiled.problems,
    schema: options.schema,
    keyedFields: policyKeyedFields(compiled, options.schema.tables),
    policyFor(principal, tableIdOrName) {
      const table = findTable(options.schema, tableIdOrName)
      if (table === undefined) {
        throw new PolicyError({
          type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
          message: `Could not find table ${tableIdOrName}`,
        })
      }
      if (principal.kind === 'service') return serviceAccess(table)
      const rule = compiled.byTable.get(table.id)?.[principal.role]
      if (rule === undefined) return deniedAccess(table)
      const bind = (r: CompiledRowRule): RowAccess => {
        switch (r.kind) {
          case 'all':
            return ALLOW_ALL
          case 'none':
            return DENY
          case 'formula':
            return {
              allowed: true,
              rowFilter: r.usesClaims ? bindClaims(r.node, principal) : r.node,
            }
        }
      }
      const read = bind(rule.read)
      const create = bind(rule.create)
      const update = bind(rule.update)
      const del = bind(rule.delete)
      return {
        table,
        canRead: read.allowed,
        rowFilter: read.rowFilter,
        readableFieldIds: read.allowed ? rule.readFields : EMPTY,
        canCreate: create.allowed,
        canUpdate: update.allowed,
        canDelete: del.allowed,
        create,
        update,
        delete: del,
        writableFieldIds: create.allowed || update.allowed ? rule.writeFields : EMPTY,
        writableValues: rule.writeValues,
        canCreateSelectOptions: rule.createSelectOptions,
        reason: rule.reason,
      }
    },
  }
}

function serviceAccess(table: Table): TableAccess {
  return {
    table,
    canRead: true,
    rowFilter: null,
    readableFieldIds: 'all',
    canCreate: true,
    canUpdate: true,
    canDelete: true,
    create: ALLOW_ALL,
    update: ALLOW_ALL,
    delete: ALLOW_ALL,
    writableFieldIds: 'all',
    writableValues: NO_VALUES,
    canCreateSelectOptions: true,
    reason: 'service key: full access',
  }
}

function deniedAccess(table: Table): TableAccess {
  return {
    table,
    canRead: false,
    rowFilter: FALSE_NODE,
    readableFieldIds: EMPTY,
    canCreate: false,
    canUpdate: false,
    canDelete: false,
    create: DENY,
    update: DENY,
    delete: DENY,
    writableFieldIds: EMPTY,
    writableValues: NO_VALUES,
    canCreateSelectOptions: false,
    reason: 'no rule grants this role access to this table',
  }
}
