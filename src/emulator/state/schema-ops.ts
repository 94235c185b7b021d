/**
 * Schema writes (airtable-api.md §6): create table, update table, create field, update field,
 * plus views for seeds and the select choices typecast creates. All run inside a transaction and
 * register their undo, so a failure later in the same write restores the schema too.
 * Creating computed fields (formula, lookup, rollup, count, autoNumber…) is allowed here; the
 * real API documents them as read-only, and creating formulas is an EMULATOR EXTENSION [?].
 * The HTTP layer may restrict what the public API can create.
 */
import type { Field } from '../../protocol/index.ts'
import { isComputedField, newId } from '../../protocol/index.ts'
import { checkFormula } from '../../formula/index.ts'
import { invalidRequest, modelNotFound } from './errors.ts'
import { formulaWithFieldIds } from './formula-context.ts'
import {
  baseField,
  checkDescription,
  checkFieldName,
  chooseId,
  resolveFieldOptions,
  staticOptions,
} from './field-options.ts'
import type { Model } from './model.ts'
import { TableState } from './table-state.ts'
import type { Tx } from './transaction.ts'
import type {
  FieldInput,
  FieldUpdate,
  TableInput,
  TableUpdate,
  ViewDefinition,
  ViewInput,
} from './types.ts'

/** Replaces field `index` of `table` (undoable) and drops derived caches. */
function replaceField(
  model: Model,
  tx: Tx,
  change: { table: TableState; index: number; field: Field },
): void {
  const { table, index } = change
  const previous = table.schema.fields[index]
  if (!previous) throw new Error(`no field at ${index}`)
  table.schema.fields[index] = change.field
  model.invalidateAll()
  tx.onRollback(() => {
    table.schema.fields[index] = previous
    model.invalidateAll()
  })
}

/** Appends a field (undoable). */
function appendField(model: Model, tx: Tx, add: { table: TableState; field: Field }): void {
  add.table.schema.fields.push(add.field)
  model.invalidateAll()
  tx.onRollback(() => {
    add.table.schema.fields = add.table.schema.fields.filter(
      (f) => f !== add.field && f.id !== add.field.id,
    )
    model.invalidateAll()
  })
}

/** Marks every record of the table for recomputation (a computed field appeared or changed). */
function recomputeAll(tx: Tx, table: TableState): void {
  for (const id of table.records.keys()) tx.seed(table, id)
}

function noteCreatedField(tx: Tx, tableId: string, field: Field): void {
  const created = tx.createdFields.get(tableId) ?? new Map<string, { name: string; type: string }>()
  created.set(field.id, { name: field.name, type: field.type })
  tx.createdFields.set(tableId, created)
}

/**
 * Gives a new link field its inverse in the linked table, unless `createInverse: false`
 * (extension) or it already names an existing unpaired inverse (seeds pair fields that way).
 */
function pairLink(
  model: Model,
  tx: Tx,
  link: { table: TableState; field: Field; input: FieldInput },
): Field {
  const { table, field, input } = link
  const linked = model.tableById(field.options?.linkedTableId ?? '')
  if (!linked || input.options?.['createInverse'] === false) return field
  const wanted = field.options?.inverseLinkFieldId
  if (typeof wanted === 'string') {
    const index = linked.fields.findIndex((f) => f.id === wanted || f.name === wanted)
    const twin = linked.fields[index]
    if (!twin || twin.type !== 'multipleRecordLinks' || twin.options?.linkedTableId !== table.id) {
      throw invalidRequest(`inverseLinkFieldId ${wanted} is not a link back to this table`)
    }
    replaceField(model, tx, {
      table: linked,
      index,
      field: { ...twin, options: { ...twin.options, inverseLinkFieldId: field.id } },
    })
    return { ...field, options: { ...field.options, inverseLinkFieldId: twin.id } }
  }
  if (linked === table) return field // self links have no inverse field
  const requested = input.options?.['inverseLinkFieldName']
  const name = uniqueName(linked, typeof requested === 'string' ? requested : table.name)
  const inverse: Field = {
    id: newId('fld'),
    name,
    type: 'multipleRecordLinks',
    options: {
      linkedTableId: table.id,
      inverseLinkFieldId: field.id,
      isReversed: false,
      prefersSingleRecordLink: false,
    },
  }
  appendField(model, tx, { table: linked, field: inverse })
  if (!tx.createdTables.has(linked.id)) noteCreatedField(tx, linked.id, inverse)
  return { ...field, options: { ...field.options, inverseLinkFieldId: inverse.id } }
}

/** `name`, or `name 2`, `name 3`… until unused (case-insensitively). */
function uniqueName(table: TableState, name: string): string {
  const taken = (n: string): boolean =>
    table.fields.some((f) => f.name.toLowerCase() === n.toLowerCase())
  if (!taken(name)) return name
  let i = 2
  while (taken(`${name} ${i}`)) i++
  return `${name} ${i}`
}

/** Adds a field to a table: validated, paired (links), computed over existing records. */
export function createField(
  model: Model,
  tx: Tx,
  create: { table: TableState; input: FieldInput },
): Field {
  const { table, input } = create
  let field = baseField(model, table, input)
  appendField(model, tx, { table, field })
  const index = table.schema.fields.length - 1
  field = resolveFieldOptions(model, table, field)
  if (field.type === 'multipleRecordLinks') field = pairLink(model, tx, { table, field, input })
  replaceField(model, tx, { table, index, field })
  if (field.type === 'autoNumber') {
    for (const id of table.records.keys()) {
      tx.setCell(table, id, {
        fieldId: field.id,
        value: model.takeAutoNumber(field.id),
        computed: true,
      })
    }
  }
  if (isComputedField(field)) recomputeAll(tx, table)
  if (!tx.createdTables.has(table.id)) noteCreatedField(tx, table.id, field)
  return field
}

/** Creates a table: ≥1 field, the first is primary, a default "Grid view". */
export function createTable(model: Model, tx: Tx, input: TableInput): TableState {
  const name = typeof input.name === 'string' ? input.name.trim() : ''
  if (name === '' || model.tables.some((t) => t.name.toLowerCase() === name.toLowerCase())) {
    // The real type for a duplicate table name is not documented [?].
    throw invalidRequest(
      name === '' ? 'Table name cannot be empty' : `Table name "${name}" already exists`,
    )
  }
  if (!Array.isArray(input.fields) || input.fields.length === 0)
    throw invalidRequest('A table needs at least one field')
  const table = new TableState({
    id: chooseId(model, input.id, 'tbl'),
    name,
    primaryFieldId: '',
    fields: [],
  })
  const description = checkDescription(input.description)
  if (description !== undefined) table.schema.description = description
  table.views.push({ id: newId('viw'), name: 'Grid view', type: 'grid' })
  model.tables.push(table)
  tx.onRollback(() => {
    model.tables = model.tables.filter((t) => t !== table)
  })
  tx.createdTables.set(table.id, table.toTable())
  const bases = input.fields.map((f) => {
    const field = baseField(model, table, f)
    table.schema.fields.push(field)
    table.invalidate()
    return { field, input: f }
  })
  table.schema.primaryFieldId = bases[0]?.field.id ?? ''
  bases.forEach(({ field, input: fieldInput }, index) => {
    let resolved = resolveFieldOptions(model, table, field)
    if (resolved.type === 'multipleRecordLinks')
      resolved = pairLink(model, tx, { table, field: resolved, input: fieldInput })
    table.schema.fields[index] = resolved
    table.invalidate()
  })
  model.invalidateAll()
  tx.createdTables.set(table.id, table.toTable())
  return table
}

/** Renames or re-describes a table. */
export function updateTable(
  model: Model,
  tx: Tx,
  update: { table: TableState; patch: TableUpdate },
): void {
  const { table, patch } = update
  const previous = { name: table.schema.name, description: table.schema.description }
  if (patch.name !== undefined) {
    const name = typeof patch.name === 'string' ? patch.name.trim() : ''
    if (
      name === '' ||
      model.tables.some((t) => t !== table && t.name.toLowerCase() === name.toLowerCase())
    ) {
      throw invalidRequest(`Invalid or duplicate table name "${String(patch.name)}"`)
    }
    table.schema.name = name
  }
  const description =
    patch.description === undefined ? undefined : checkDescription(patch.description)
  if (description !== undefined) table.schema.description = description
  tx.onRollback(() => {
    table.schema.name = previous.name
    if (previous.description === undefined) delete table.schema.description
    else table.schema.description = previous.description
  })
  const meta = (m: {
    name: string
    description: string | undefined
  }): { name: string; description?: string } =>
    m.description === undefined ? { name: m.name } : { name: m.name, description: m.description }
  tx.changedMetadata.set(table.id, {
    current: meta({ name: table.schema.name, description: table.schema.description }),
    previous: meta(previous),
  })
}

/** Changes a field's name, description or options; the type never changes. */
export function updateField(
  model: Model,
  tx: Tx,
  update: { table: TableState; fieldIdOrName: string; patch: FieldUpdate },
): Field {
  const { table, patch } = update
  const index = table.fields.findIndex(
    (f) => f.id === update.fieldIdOrName || f.name === update.fieldIdOrName,
  )
  const previous = table.fields[index]
  if (!previous) throw modelNotFound()
  if ('type' in patch && (patch as { type?: unknown }).type !== previous.type) {
    throw invalidRequest('Changing a field type is not supported')
  }
  let field: Field = { ...previous }
  if (patch.name !== undefined) field.name = checkFieldName(table, patch.name, previous.id)
  const description =
    patch.description === undefined ? undefined : checkDescription(patch.description)
  if (description !== undefined) field.description = description
  if (patch.options !== undefined) {
    if (
      previous.type === 'multipleRecordLinks' &&
      patch.options['linkedTableId'] !== undefined &&
      patch.options['linkedTableId'] !== previous.options?.linkedTableId
    ) {
      throw invalidRequest('The linked table of a link field cannot change')
    }
    field = { ...field, options: { ...(previous.options ?? {}), ...patch.options } }
    // New formula text → re-infer its result type unless the patch gives one.
    if (
      previous.type === 'formula' &&
      patch.options['formula'] !== undefined &&
      patch.options['result'] === undefined
    ) {
      delete field.options?.result
    }
    // Likewise a rollup whose aggregation or target changes.
    if (
      previous.type === 'rollup' &&
      (patch.options['aggregation'] !== undefined ||
        patch.options['fieldIdInLinkedTable'] !== undefined) &&
      patch.options['result'] === undefined
    ) {
      delete field.options?.result
    }
    const options = staticOptions(previous.type, { ...(field.options ?? {}) })
    if (options) field.options = options
  }
  replaceField(model, tx, { table, index, field })
  if (patch.options !== undefined) {
    field = resolveFieldOptions(model, table, field)
    replaceField(model, tx, { table, index, field })
    if (isComputedField(field)) recomputeAll(tx, table)
  }
  const current: Partial<Field> = {}
  const before: Partial<Field> = {}
  for (const key of ['name', 'description', 'options'] as const) {
    if (JSON.stringify(field[key]) === JSON.stringify(previous[key])) continue
    if (field[key] !== undefined) Object.assign(current, { [key]: field[key] })
    if (previous[key] !== undefined) Object.assign(before, { [key]: previous[key] })
  }
  if (Object.keys(current).length + Object.keys(before).length > 0) {
    tx.noteFieldChange(table.id, field.id, { current, previous: before })
  }
  return field
}

/** Adds select choices (typecast), recorded as a field change. */
export function addChoices(
  model: Model,
  tx: Tx,
  add: { table: TableState; fieldId: string; names: readonly string[] },
): void {
  const index = add.table.fields.findIndex((f) => f.id === add.fieldId)
  const previous = add.table.fields[index]
  if (!previous) return
  const choices = [...(previous.options?.choices ?? [])]
  for (const name of add.names)
    if (!choices.some((c) => c.name === name)) choices.push({ id: newId('sel'), name })
  const field: Field = { ...previous, options: { ...(previous.options ?? {}), choices } }
  replaceField(model, tx, { table: add.table, index, field })
  tx.noteFieldChange(add.table.id, field.id, {
    current: { options: field.options },
    previous: { options: previous.options },
  })
}

/** The view formula with `{fldID}` references, or the text as given when it does not check. */
function viewFormulaWithIds(table: TableState, text: string): string {
  try {
    const node = checkFormula(text, { hasField: (name) => table.field(name) !== undefined })
    const rewritten = formulaWithFieldIds(table, text, node)
    checkFormula(rewritten, { hasField: (name) => table.field(name) !== undefined })
    return rewritten
  } catch {
    return text
  }
}

/** Adds a view (seeds): unique name per table; `type` defaults to grid. Not a transaction. */
export function addView(
  model: Model,
  add: { table: TableState; input: ViewInput },
): ViewDefinition {
  const { table, input } = add
  const name = typeof input.name === 'string' ? input.name.trim() : ''
  if (name === '' || table.views.some((v) => v.name === name))
    throw invalidRequest(`Invalid or duplicate view name "${name}"`)
  const view: ViewDefinition = {
    id: chooseId(model, input.id, 'viw'),
    name,
    type: input.type ?? 'grid',
  }
  // Field references are stored as IDs (when they resolve) so renaming a field keeps the view.
  if (input.filterByFormula !== undefined && input.filterByFormula !== '') {
    view.filterByFormula = viewFormulaWithIds(table, input.filterByFormula)
  }
  if (input.sort !== undefined && input.sort.length > 0) {
    view.sort = input.sort.map((s) => ({ ...s, field: table.field(s.field)?.id ?? s.field }))
  }
  table.views.push(view)
  return view
}
