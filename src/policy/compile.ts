/**
 * Compiles a policy document against a base schema, once: table names → tables, field names →
 * field IDs, row formulas parsed once into ASTs. Whatever does not resolve is reported in
 * `problems` and denied (a rule naming an unknown field admits no row; an unknown field in a
 * list grants nothing), so a schema drift never widens access.
 */
import type { Node } from '../formula/ast.ts'
import { findField, findTable } from '../protocol/schema.ts'
import type { BaseSchema, Table } from '../protocol/schema.ts'
import { usesClaims, validateClaimCalls } from './claims.ts'
import { PolicyConfigError } from './errors.ts'
import { referencedFields } from './formula-ast.ts'
import type {
  FieldRule,
  PolicyDocument,
  RoleRule,
  RowRule,
  TableRules,
  WriteValue,
} from './policy.ts'
import { ROLES, type Role } from './roles.ts'

/** A row rule ready to bind: all, none, or a parsed formula. */
export type CompiledRowRule =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | {
      readonly kind: 'formula'
      readonly node: Node
      readonly text: string
      readonly usesClaims: boolean
    }

export type FieldSet = ReadonlySet<string> | 'all'

export interface CompiledRoleRule {
  readonly reason: string
  readonly read: CompiledRowRule
  readonly readFields: FieldSet
  readonly create: CompiledRowRule
  readonly update: CompiledRowRule
  readonly delete: CompiledRowRule
  readonly writeFields: FieldSet
  /** The values each restricted field (by ID) may be written with. */
  readonly writeValues: WriteValues
  readonly createSelectOptions: boolean
}

/** Per field ID, the values a role may write there; a field not in the map takes any value. */
export type WriteValues = ReadonlyMap<string, ReadonlySet<WriteValue>>

export interface CompiledPolicy {
  /** Rules by table ID, then role; a missing entry denies. */
  readonly byTable: ReadonlyMap<string, Readonly<Partial<Record<Role, CompiledRoleRule>>>>
  /** What did not resolve against the schema, one sentence each. */
  readonly problems: readonly string[]
}

export interface CompileOptions {
  /** Parses formula text (parseFormula from the formula module). */
  parse: (text: string) => Node
  /**
   * What to do when a rule names a field or table the schema lacks: deny and report in
   * `problems` (the server keeps running with less access), or throw (strict start-up checks).
   * @default 'deny'
   */
  onUnresolved?: 'deny' | 'throw'
}

const NONE: CompiledRowRule = { kind: 'none' }
const EMPTY: FieldSet = new Set<string>()
const NO_VALUES: WriteValues = new Map()

/** Compiles `document` for `schema`. Throws {@link PolicyConfigError} for formulas that do not parse. */
export function compilePolicy(
  document: PolicyDocument,
  schema: BaseSchema,
  options: CompileOptions,
): CompiledPolicy {
  const problems: string[] = []
  // One parse per distinct text: rules repeat the same formula for read and write.
  const parsed = new Map<string, Node>()
  const parse = (text: string): Node => {
    const cached = parsed.get(text)
    if (cached !== undefined) return cached
    const node = options.parse(text)
    parsed.set(text, node)
    return node
  }
  const report = (problem: string): void => {
    if (options.onUnresolved === 'throw') throw new PolicyConfigError(problem)
    problems.push(problem)
  }
  const named = new Set<string>()
  const byTable = new Map<string, Partial<Record<Role, CompiledRoleRule>>>()
  for (const [tableName, rules] of Object.entries(document.tables)) {
    const table = findTable(schema, tableName)
    if (table === undefined) {
      report(`table "${tableName}" is not in the base; its rules are ignored`)
      continue
    }
    named.add(table.id)
    byTable.set(
      table.id,
      compileTable(table, rules, { ...options, parse, report, defaults: document.defaults }),
    )
  }
  for (const table of schema.tables) {
    if (named.has(table.id) || document.defaults === undefined) continue
    byTable.set(
      table.id,
      compileTable(table, {}, { ...options, parse, report, defaults: document.defaults }),
    )
  }
  return { byTable, problems }
}

interface TableContext extends CompileOptions {
  report: (problem: string) => void
  /** Rules for roles the table leaves out. */
  defaults: TableRules | undefined
}

function compileTable(
  table: Table,
  rules: TableRules,
  context: TableContext,
): Partial<Record<Role, CompiledRoleRule>> {
  const compiled: Partial<Record<Role, CompiledRoleRule>> = {}
  for (const role of ROLES) {
    const rule = rules[role] ?? context.defaults?.[role]
    if (rule === undefined) continue
    compiled[role] = compileRoleRule(table, rule, { ...context, where: `${table.name}/${role}` })
  }
  return compiled
}

interface RuleContext extends TableContext {
  where: string
}

function compileRoleRule(table: Table, rule: RoleRule, context: RuleContext): CompiledRoleRule {
  const write = rule.write
  const row = (r: RowRule, what: string): CompiledRowRule =>
    compileRowRule(table, r, { ...context, where: `${context.where} ${what}` })
  return {
    reason: rule.reason,
    read: row(rule.read.rows, 'read.rows'),
    readFields: compileFieldRule(table, rule.read.fields, {
      ...context,
      where: `${context.where} read.fields`,
    }),
    create: write === undefined ? NONE : row(write.create, 'write.create'),
    update: write === undefined ? NONE : row(write.update, 'write.update'),
    delete: write === undefined ? NONE : row(write.delete, 'write.delete'),
    writeFields:
      write === undefined
        ? EMPTY
        : compileFieldRule(table, write.fields, {
            ...context,
            where: `${context.where} write.fields`,
          }),
    writeValues:
      write === undefined
        ? NO_VALUES
        : compileValues(table, write.values, {
            ...context,
            where: `${context.where} write.values`,
          }),
    createSelectOptions: write?.createSelectOptions ?? false,
  }
}

function compileValues(
  table: Table,
  rule: Readonly<Record<string, readonly WriteValue[]>>,
  context: RuleContext,
): WriteValues {
  const values = new Map<string, ReadonlySet<WriteValue>>()
  for (const [name, allowed] of Object.entries(rule)) {
    const field = findField(table, name)
    // An unresolved restriction must not become a grant: it allows no value at all.
    if (field === undefined) context.report(`${context.where}: unknown field "${name}"`)
    values.set(field?.id ?? name, new Set(field === undefined ? [] : allowed))
  }
  return values
}

function compileRowRule(table: Table, rule: RowRule, context: RuleContext): CompiledRowRule {
  if (rule === 'all') return { kind: 'all' }
  if (rule === 'none') return NONE
  let node: Node
  try {
    node = context.parse(rule)
  } catch (error) {
    throw new PolicyConfigError(`${context.where}: formula does not parse: ${rule}`, {
      cause: error,
    })
  }
  validateClaimCalls(node, context.where)
  const unknown = referencedFields(node).filter((name) => findField(table, name) === undefined)
  if (unknown.length > 0) {
    context.report(
      `${context.where}: unknown field(s) ${unknown.join(', ')}; the rule admits no row`,
    )
    return NONE
  }
  return { kind: 'formula', node, text: rule, usesClaims: usesClaims(node) }
}

function compileFieldRule(table: Table, rule: FieldRule, context: RuleContext): FieldSet {
  if (rule === 'all') return 'all'
  const ids = new Set<string>()
  for (const name of rule) {
    const field = findField(table, name)
    if (field === undefined)
      context.report(`${context.where}: unknown field "${name}" grants nothing`)
    else ids.add(field.id)
  }
  return ids
}
