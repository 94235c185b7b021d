/**
 * Pass 2 of loading a definition: records, with their final IDs and creation times. Link cells
 * (record IDs or primary texts) are resolved to final IDs first, so a problem names the cell.
 *
 * Two ways to write them, with the same result (load.test.ts compares them):
 * - `bulk` (the default): every table in one `bulkInsert` — links made symmetric in one pass,
 *   computed fields computed once; this is what makes the Presence seed load fast.
 * - `recordByRecord`: one `insertRecords` request per record, links to records not created yet
 *   written by a final update pass: the ordinary write path, kept as the reference.
 */
import type { EmulatedBase } from '../state/index.ts'
import { EmulatorError, type SeedRecordInput } from '../state/types.ts'
import type { ParsedBaseDefinition, TableDefinition } from './definition.ts'
import { derivedId } from './ids.ts'
import type { IdPlan } from './load-schema.ts'
import { BaseDefinitionError, inverseFieldNames } from './validate.ts'

const SYSTEM = { source: 'system' as const }

/** How the loader writes records; see the module header. */
export type RecordLoadMode = 'bulk' | 'recordByRecord'

/** The final ID of a record of a definition: its own or derived from its position. */
export function finalRecordId(seed: string, table: TableDefinition, index: number): string {
  return table.records?.[index]?.id ?? derivedId('rec', seed, table.name, index)
}

interface Resolver {
  def: ParsedBaseDefinition
  /** The table each link field points at, per table name then field name (memo). */
  links: Map<string, Map<string, TableDefinition | undefined>>
  /** Primary text → final record ID, per table name. */
  byPrimary: Map<string, Map<string, string>>
  /** Final record IDs, per table name. */
  finals: Map<string, Set<string>>
}

/** Fills the base with the definition's records (IDs and creation times as defined). */
export function loadRecords(
  base: EmulatedBase,
  def: ParsedBaseDefinition,
  env: { ids: IdPlan; mode: RecordLoadMode },
): void {
  const resolver = indexRecords(def, env.ids.seed)
  const batches = def.tables.map((table) => ({
    table,
    tableId: env.ids.table(table),
    records: (table.records ?? []).map((record, i) => {
      const input: SeedRecordInput = {
        id: finalRecordId(env.ids.seed, table, i),
        fields: resolveFields(resolver, { table, fields: record.fields, index: i }),
      }
      if (record.createdTime !== undefined) input.createdTime = record.createdTime
      return input
    }),
  }))
  if (env.mode === 'bulk') {
    guarded('records', () =>
      base.bulkInsert(
        batches.map((b) => ({ table: b.tableId, records: b.records })),
        SYSTEM,
      ),
    )
    return
  }
  const created = new Set<string>()
  const deferred: Array<{ tableId: string; id: string; fields: Record<string, unknown> }> = []
  for (const batch of batches) {
    for (const input of batch.records) {
      const now: Record<string, unknown> = {}
      const later: Record<string, unknown> = {}
      for (const [name, value] of Object.entries(input.fields)) {
        const forward =
          linkTarget(def, batch.table, name) !== undefined &&
          Array.isArray(value) &&
          value.some((id) => !created.has(String(id)))
        if (forward) later[name] = value
        else now[name] = value
      }
      guarded(`table "${batch.table.name}" record ${input.id ?? ''}`, () =>
        base.insertRecords(batch.tableId, [{ ...input, fields: now }], SYSTEM),
      )
      created.add(input.id ?? '')
      if (Object.keys(later).length > 0)
        deferred.push({ tableId: batch.tableId, id: input.id ?? '', fields: later })
    }
  }
  for (const item of deferred) {
    // Merge with what the inverse side may already have written into these cells.
    const current = base.get(item.tableId, item.id).cells
    const table = base.table(item.tableId)
    const fields: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(item.fields)) {
      const fieldId = table.fields.find((f) => f.name === name)?.id ?? ''
      const had = current[fieldId]
      const before: unknown[] = Array.isArray(had) ? (had as unknown[]) : []
      fields[name] = [...new Set([...before, ...(value as unknown[])])]
    }
    guarded(`record ${item.id}`, () =>
      base.update(item.tableId, [{ id: item.id, fields }], { ...SYSTEM, destructive: false }),
    )
  }
}

function indexRecords(def: ParsedBaseDefinition, seed: string): Resolver {
  const resolver: Resolver = { def, links: new Map(), byPrimary: new Map(), finals: new Map() }
  for (const table of def.tables) {
    const primary = table.fields[0]?.name ?? ''
    const index = new Map<string, string>()
    const finals = new Set<string>()
    ;(table.records ?? []).forEach((record, i) => {
      const finalId = finalRecordId(seed, table, i)
      finals.add(finalId)
      const text = record.fields[primary]
      if (typeof text === 'string' || typeof text === 'number') {
        const key = String(text)
        if (!index.has(key)) index.set(key, finalId)
      }
    })
    resolver.byPrimary.set(table.name, index)
    resolver.finals.set(table.name, finals)
  }
  return resolver
}

/** The table a link field (declared, or an inverse the base creates) points at. */
function linkTarget(
  def: ParsedBaseDefinition,
  table: TableDefinition,
  fieldName: string,
): TableDefinition | undefined {
  const declared = table.fields.find((f) => f.name === fieldName)
  if (declared !== undefined) {
    if (declared.type !== 'multipleRecordLinks') return undefined
    return def.tables.find((t) => t.name === declared.options?.linkedTable)
  }
  // An inverse field the base created: its table is the one whose link made it.
  return def.tables.find(
    (t) =>
      t !== table &&
      inverseFieldNames(table, [t]).includes(fieldName) &&
      t.fields.some(
        (f) => f.type === 'multipleRecordLinks' && f.options?.linkedTable === table.name,
      ),
  )
}

/** The record's fields with link cells as lists of final record IDs. */
function resolveFields(
  resolver: Resolver,
  at: { table: TableDefinition; fields: Record<string, unknown>; index: number },
): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  let links = resolver.links.get(at.table.name)
  if (links === undefined) {
    links = new Map()
    resolver.links.set(at.table.name, links)
  }
  for (const [name, value] of Object.entries(at.fields)) {
    if (!links.has(name)) links.set(name, linkTarget(resolver.def, at.table, name))
    const linked = links.get(name)
    if (linked === undefined || value === null || value === undefined) {
      fields[name] = value
      continue
    }
    const where = `table "${at.table.name}" records[${at.index}].${name}`
    fields[name] = (Array.isArray(value) ? value : [value]).map((ref) => {
      if (typeof ref !== 'string')
        throw new BaseDefinitionError([`${where}: link cells list record IDs or primary texts`])
      const finalId = resolver.byPrimary.get(linked.name)?.get(ref) ?? ref
      if (resolver.finals.get(linked.name)?.has(finalId) !== true)
        throw new BaseDefinitionError([`${where}: no record "${ref}" in table "${linked.name}"`])
      return finalId
    })
  }
  return fields
}

function guarded<T>(where: string, run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (error instanceof EmulatorError)
      throw new BaseDefinitionError([`${where}: ${error.message}`])
    throw error
  }
}
