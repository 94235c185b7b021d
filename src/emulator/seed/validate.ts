/**
 * Validation of a base definition: the zod schema (shapes) plus the cross-references zod cannot
 * see (linked tables, link/lookup fields, duplicate names, record cells naming unknown fields).
 * Every problem is reported with its path, all at once.
 */
import {
  baseDefinitionSchema,
  type ParsedBaseDefinition,
  type TableDefinition,
} from './definition.ts'

/** A definition that cannot be loaded; `problems` lists each one with its path. */
export class BaseDefinitionError extends Error {
  override readonly name = 'BaseDefinitionError'
  readonly problems: readonly string[]
  constructor(problems: readonly string[], source = 'base definition') {
    super(`Invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.problems = problems
  }
}

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>()
  const dups = new Set<string>()
  for (const name of names) {
    const key = name.toLowerCase()
    if (seen.has(key)) dups.add(name)
    seen.add(key)
  }
  return [...dups]
}

function checkTable(
  table: TableDefinition,
  tables: readonly TableDefinition[],
  at: string,
): string[] {
  const problems: string[] = []
  const byName = new Map(tables.map((t) => [t.name, t]))
  const fieldNames = new Set(table.fields.map((f) => f.name))
  for (const name of duplicates(table.fields.map((f) => f.name))) {
    problems.push(`${at}: duplicate field name "${name}"`)
  }
  for (const name of duplicates((table.views ?? []).map((v) => v.name))) {
    problems.push(`${at}: duplicate view name "${name}"`)
  }
  table.fields.forEach((field, i) => {
    const where = `${at}.fields[${i}] ("${field.name}")`
    const options = field.options ?? {}
    if (field.type === 'multipleRecordLinks') {
      if (options.linkedTable === undefined)
        problems.push(`${where}: a link field needs options.linkedTable`)
      else if (!byName.has(options.linkedTable)) {
        problems.push(`${where}: linkedTable "${options.linkedTable}" is not a table of this base`)
      }
      if (i === 0) problems.push(`${where}: the primary field cannot be a link`)
    }
    if (['multipleLookupValues', 'rollup', 'count'].includes(field.type)) {
      if (i === 0) problems.push(`${where}: the primary field cannot be a ${field.type}`)
      const linkedName = linkFields(table, tables).get(options.linkField ?? '')
      if (options.linkField === undefined) {
        problems.push(`${where}: a ${field.type} field needs options.linkField`)
      } else if (linkedName === undefined) {
        problems.push(
          `${where}: linkField "${options.linkField}" is not a link field of table "${table.name}"`,
        )
      } else if (field.type !== 'count') {
        const linked = byName.get(linkedName)
        const target = options.lookupField
        if (target === undefined) {
          problems.push(`${where}: a ${field.type} field needs options.lookupField`)
        } else if (
          linked !== undefined &&
          !linked.fields.some((f) => f.name === target) &&
          !inverseFieldNames(linked, tables).includes(target)
        ) {
          problems.push(
            `${where}: lookupField "${target}" is not a field of table "${linked.name}"`,
          )
        }
      }
    }
    if (field.type === 'formula' && options.formula === undefined) {
      problems.push(`${where}: a formula field needs options.formula`)
    }
  })
  ;(table.views ?? []).forEach((view, i) => {
    for (const sort of view.sort ?? []) {
      if (!fieldNames.has(sort.field)) {
        problems.push(
          `${at}.views[${i}] ("${view.name}"): sort field "${sort.field}" is not a field of "${table.name}"`,
        )
      }
    }
  })
  const known = new Set([...fieldNames, ...inverseFieldNames(table, tables)])
  ;(table.records ?? []).forEach((record, i) => {
    for (const name of Object.keys(record.fields)) {
      if (!known.has(name)) problems.push(`${at}.records[${i}]: unknown field "${name}"`)
    }
  })
  return problems
}

/** Link fields of `table` (declared, or inverses other tables' links create) → linked table name. */
export function linkFields(
  table: TableDefinition,
  tables: readonly TableDefinition[],
): Map<string, string> {
  const out = new Map<string, string>()
  for (const t of tables) {
    if (t === table) continue
    for (const f of t.fields) {
      if (f.type === 'multipleRecordLinks' && f.options?.linkedTable === table.name) {
        out.set(f.options.inverseField ?? t.name, t.name)
      }
    }
  }
  for (const f of table.fields) {
    if (f.type === 'multipleRecordLinks' && f.options?.linkedTable !== undefined)
      out.set(f.name, f.options.linkedTable)
  }
  return out
}

/** Names of fields other tables' links create in `table` as their inverse. */
export function inverseFieldNames(
  table: TableDefinition,
  tables: readonly TableDefinition[],
): string[] {
  return tables.flatMap((t) =>
    t.fields
      .filter((f) => f.type === 'multipleRecordLinks' && f.options?.linkedTable === table.name)
      .map((f) => f.options?.inverseField ?? t.name),
  )
}

/**
 * Parses and checks a definition; throws {@link BaseDefinitionError} listing every problem.
 * `source` names the definition in the message (e.g. the file path).
 */
export function parseBaseDefinition(input: unknown, source?: string): ParsedBaseDefinition {
  const parsed = baseDefinitionSchema.safeParse(input)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
      return `${path === '' ? '(root)' : path.replace(/^\./, '')}: ${issue.message}`
    })
    throw new BaseDefinitionError(problems, source)
  }
  return checkBaseDefinition(parsed.data, source)
}

/** The cross-reference checks alone, for a definition whose shape is already known to be right. */
export function checkBaseDefinition(
  def: ParsedBaseDefinition,
  source?: string,
): ParsedBaseDefinition {
  const problems = duplicates(def.tables.map((t) => t.name)).map(
    (n) => `duplicate table name "${n}"`,
  )
  def.tables.forEach((table, i) =>
    problems.push(...checkTable(table, def.tables, `tables[${i}] ("${table.name}")`)),
  )
  if (problems.length > 0) throw new BaseDefinitionError(problems, source)
  return def
}
