/**
 * Pass 1 of loading a definition: tables, fields and views, in an order the base accepts —
 * plain fields with each table, then links (paired with their inverse), then lookups, rollups
 * and counts, then formulas (each retried until what it reads exists). Returns the IDs the base
 * chose itself (auto-created inverse fields, default grid views) so the loader can replace them
 * with derived ones.
 */
import type { EmulatedBase } from '../state/index.ts'
import { EmulatorError, type FieldInput } from '../state/types.ts'
import type { FieldDefinition, ParsedBaseDefinition, TableDefinition } from './definition.ts'
import { derivedId } from './ids.ts'
import { BaseDefinitionError } from './validate.ts'

const SYSTEM = { source: 'system' as const }
const LINK_TYPES = new Set(['multipleRecordLinks'])
const REFERRING_TYPES = new Set(['multipleLookupValues', 'rollup', 'count'])
const LATE_TYPES = new Set(['formula', 'lastModifiedTime'])
/** Option keys of the definition format that the loader turns into base options. */
const DEFINITION_KEYS = [
  'choices',
  'linkedTable',
  'inverseField',
  'linkField',
  'lookupField',
  'fields',
]

/** Derived IDs of a definition. */
export interface IdPlan {
  seed: string
  table(t: TableDefinition): string
  field(t: TableDefinition, fieldName: string): string
}

export function idPlan(def: ParsedBaseDefinition): IdPlan {
  const seed = def.seed ?? def.name
  return {
    seed,
    table: (t) => t.id ?? derivedId('tbl', seed, t.name),
    field: (t, name) =>
      t.fields.find((f) => f.name === name)?.id ?? derivedId('fld', seed, t.name, name),
  }
}

/** IDs the base invented, to be replaced by derived ones: invented → wanted. */
export type IdRemap = Map<string, string>

function baseOptions(
  table: TableDefinition,
  field: FieldDefinition,
  seed: string,
): Record<string, unknown> {
  const options: Record<string, unknown> = { ...(field.options ?? {}) }
  for (const key of DEFINITION_KEYS) delete options[key]
  if (field.options?.choices !== undefined) {
    options['choices'] = field.options.choices.map((c) => {
      const choice = typeof c === 'string' ? { name: c } : c
      return {
        ...choice,
        id: choice.id ?? derivedId('sel', seed, table.name, field.name, choice.name),
      }
    })
  }
  return options
}

function fieldInput(table: TableDefinition, field: FieldDefinition, ids: IdPlan): FieldInput {
  const input: FieldInput = { id: ids.field(table, field.name), name: field.name, type: field.type }
  if (field.description !== undefined) input.description = field.description
  const options = baseOptions(table, field, ids.seed)
  const named = field.options ?? {}
  if (field.type === 'multipleLookupValues' || field.type === 'rollup' || field.type === 'count') {
    options['recordLinkFieldId'] = named.linkField
    if (named.lookupField !== undefined) options['fieldIdInLinkedTable'] = named.lookupField
  }
  if (field.type === 'formula') options['formula'] = named.formula
  if (field.type === 'lastModifiedTime' && named.fields !== undefined)
    options['referencedFieldIds'] = named.fields
  if (Object.keys(options).length > 0) input.options = options
  return input
}

/** Runs a schema call; a refusal becomes a definition error naming the field. */
function attempt(where: string, run: () => void): string | undefined {
  try {
    run()
    return undefined
  } catch (error) {
    if (error instanceof EmulatorError) return `${where}: ${error.message}`
    throw error
  }
}

/** Creates every table, field and view of `def` in `base`; returns the IDs to replace. */
export function loadSchema(base: EmulatedBase, def: ParsedBaseDefinition, ids: IdPlan): IdRemap {
  const remap: IdRemap = new Map()
  const problems: string[] = []
  for (const table of def.tables) {
    const plain = table.fields.filter(
      (f, i) =>
        i === 0 ||
        !(LINK_TYPES.has(f.type) || REFERRING_TYPES.has(f.type) || LATE_TYPES.has(f.type)),
    )
    const input = {
      id: ids.table(table),
      name: table.name,
      fields: plain.map((f) => fieldInput(table, f, ids)),
    }
    const problem = attempt(`table "${table.name}"`, () => {
      const created = base.createTable(
        table.description === undefined ? input : { ...input, description: table.description },
        SYSTEM,
      )
      const grid = created.views.find((v) => v.name === 'Grid view')
      const wanted =
        table.views?.find((v) => v.name === 'Grid view')?.id ??
        derivedId('viw', ids.seed, table.name, 'Grid view')
      if (grid !== undefined) remap.set(grid.id, wanted)
    })
    if (problem !== undefined) throw new BaseDefinitionError([problem])
  }
  createLinks(base, def, { ids, remap, problems })
  createUntilSettled(base, def, { ids, problems, types: REFERRING_TYPES })
  createUntilSettled(base, def, { ids, problems, types: LATE_TYPES })
  for (const table of def.tables) {
    for (const view of table.views ?? []) {
      if (view.name === 'Grid view') continue
      const input = {
        id: view.id ?? derivedId('viw', ids.seed, table.name, view.name),
        name: view.name,
      }
      const problem = attempt(`table "${table.name}" view "${view.name}"`, () => {
        base.addView(ids.table(table), {
          ...input,
          ...(view.type !== undefined && { type: view.type }),
          ...(view.filterByFormula !== undefined && { filterByFormula: view.filterByFormula }),
          ...(view.sort !== undefined && {
            sort: view.sort.map((s) => ({ field: s.field, direction: s.direction ?? 'asc' })),
          }),
        })
      })
      if (problem !== undefined) problems.push(problem)
    }
  }
  if (problems.length > 0) throw new BaseDefinitionError(problems)
  return remap
}

interface PassState {
  ids: IdPlan
  problems: string[]
}

/**
 * Links: a link whose inverse the other table declares is created without one, and the declared
 * twin then names it (`inverseLinkFieldId`), pairing both; otherwise the base creates the inverse.
 */
function createLinks(
  base: EmulatedBase,
  def: ParsedBaseDefinition,
  state: PassState & { remap: IdRemap },
): void {
  const { ids, remap, problems } = state
  const created = new Set<string>()
  for (const table of def.tables) {
    for (const field of table.fields.filter((f) => LINK_TYPES.has(f.type))) {
      const id = ids.field(table, field.name)
      if (created.has(id)) continue
      const linked = def.tables.find((t) => t.name === field.options?.linkedTable)
      if (linked === undefined) continue
      const inverseName = field.options?.inverseField ?? (linked === table ? undefined : table.name)
      const twin = linked.fields.find(
        (f) =>
          f.name === inverseName && LINK_TYPES.has(f.type) && f.options?.linkedTable === table.name,
      )
      const twinId = twin === undefined ? undefined : ids.field(linked, twin.name)
      const options: Record<string, unknown> = {
        ...baseOptions(table, field, ids.seed),
        linkedTableId: ids.table(linked),
      }
      if (twinId !== undefined && created.has(twinId)) options['inverseLinkFieldId'] = twinId
      else if (twinId !== undefined) options['createInverse'] = false
      else if (inverseName !== undefined) options['inverseLinkFieldName'] = inverseName
      const input: FieldInput = { id, name: field.name, type: field.type, options }
      if (field.description !== undefined) input.description = field.description
      const problem = attempt(`table "${table.name}" field "${field.name}"`, () => {
        const made = base.createField(ids.table(table), input, SYSTEM)
        created.add(id)
        const inverseId = made.options?.inverseLinkFieldId
        if (twinId === undefined && inverseId !== undefined && linked !== table) {
          const inverse = base.table(ids.table(linked)).fields.find((f) => f.id === inverseId)
          if (inverse !== undefined)
            remap.set(inverseId, derivedId('fld', ids.seed, linked.name, inverse.name))
        }
      })
      if (problem !== undefined) problems.push(problem)
    }
  }
}

/** Creates the fields of the given types, retrying those that read fields not created yet. */
function createUntilSettled(
  base: EmulatedBase,
  def: ParsedBaseDefinition,
  pass: PassState & { types: ReadonlySet<string> },
): void {
  const { ids, problems, types } = pass
  let pending = def.tables.flatMap((table) =>
    table.fields.filter((f, i) => i > 0 && types.has(f.type)).map((field) => ({ table, field })),
  )
  while (pending.length > 0) {
    const failed: Array<{ table: TableDefinition; field: FieldDefinition; problem: string }> = []
    for (const { table, field } of pending) {
      const problem = attempt(`table "${table.name}" field "${field.name}"`, () => {
        base.createField(ids.table(table), fieldInput(table, field, ids), SYSTEM)
      })
      if (problem !== undefined) failed.push({ table, field, problem })
    }
    if (failed.length === pending.length) {
      problems.push(...failed.map((f) => f.problem))
      return
    }
    pending = failed
  }
}
