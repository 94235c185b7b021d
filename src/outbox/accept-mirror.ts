/**
 * What accepting a write needs from the mirror besides the written records: whether linked
 * records exist (with typecast, which record a primary-field text names; for a temporary ID,
 * whether its create is open or committed), lookups recomputed over a record's new links (a
 * policy may read them, e.g. Likes' `Member Email`), and the record an upsert's merge values
 * match. Reads only, in the accepting transaction.
 */
import {
  isTempRecordId,
  type Field,
  type Fields,
  type Table,
  type BaseSchema,
} from '../protocol/index.ts'
import {
  findCreatesByTempIds,
  getRecords,
  jsonParam,
  queryRecords,
  type Db,
  type MirrorRecord,
} from '../store/index.ts'
import { invalidUpsertError, rowDoesNotExistError } from './validate.ts'

/** Where mirror reads happen. */
export interface MirrorScope {
  db: Db
  baseId: string
  schema: BaseSchema
}

/**
 * Checks every link cell of `cells` against the linked table and, with typecast, replaces
 * primary-field texts by the record they name. A temporary ID (a create accepted earlier) is
 * accepted when its create is in the linked table and still open — the writer holds this write
 * until it commits (writer-temp-links.ts) — and replaced by Airtable's ID when it has committed;
 * one that is unknown, of another table, or whose create failed is ROW_DOES_NOT_EXIST.
 */
export async function resolveLinks(
  scope: MirrorScope,
  request: { table: Table; cells: Fields; typecast: boolean },
): Promise<void> {
  for (const field of request.table.fields) {
    const cell = request.cells[field.id]
    if (field.type !== 'multipleRecordLinks' || !Array.isArray(cell)) continue
    const linkedTableId = field.options?.linkedTableId ?? ''
    const items = cell as string[]
    const temps = await tempLinkTargets(scope, { tableId: linkedTableId, items })
    const targets = items.map((item) => temps.get(item) ?? item)
    const found = new Set(
      (
        await getRecords(scope.db, { baseId: scope.baseId, tableId: linkedTableId, ids: targets })
      ).map((r) => r.id),
    )
    const resolved: string[] = []
    for (const [index, item] of items.entries()) {
      const target = targets[index] ?? item
      const usable = isTempRecordId(item) ? temps.has(item) : !isTempRecordId(target)
      if (usable && found.has(target)) resolved.push(target)
      else if (request.typecast) resolved.push(await byPrimaryText(scope, linkedTableId, item))
      else throw rowDoesNotExistError(item)
    }
    request.cells[field.id] = [...new Set(resolved)]
  }
}

/**
 * The temporary IDs among `items` that may be linked in table `tableId`: → itself while its
 * create is open, → Airtable's ID once it committed. Read under the feed lock, so a commit lands
 * either before (the ID is substituted here) or after this write (the writer substitutes it).
 */
async function tempLinkTargets(
  scope: MirrorScope,
  request: { tableId: string; items: readonly string[] },
): Promise<Map<string, string>> {
  const creates = await findCreatesByTempIds(scope.db, {
    baseId: scope.baseId,
    tempRecordIds: request.items.filter(isTempRecordId),
  })
  const targets = new Map<string, string>()
  for (const create of creates) {
    const { tempRecordId, recordId } = create
    if (create.tableId !== request.tableId || tempRecordId === undefined) continue
    if (create.state === 'committed' && recordId !== undefined && !isTempRecordId(recordId)) {
      targets.set(tempRecordId, recordId)
    } else if (create.state !== 'committed' && create.state !== 'failed') {
      targets.set(tempRecordId, tempRecordId)
    }
  }
  return targets
}

async function byPrimaryText(scope: MirrorScope, tableId: string, text: string): Promise<string> {
  const table = scope.schema.tables.find((t) => t.id === tableId)
  if (table === undefined || isTempRecordId(text)) throw rowDoesNotExistError(text)
  const [match] = await queryRecords(scope.db, {
    baseId: scope.baseId,
    tableId,
    where: [{ text: `r.fields->>$1 = $2`, params: [table.primaryFieldId, text] }],
    limit: 1,
  })
  if (match === undefined || isTempRecordId(match.id)) throw rowDoesNotExistError(text)
  return match.id
}

/**
 * Recomputes the lookups of `fields` whose link field is among `changedFieldIds`, from the
 * linked records in the mirror. Other computed cells keep their last known value until
 * Airtable's answer replaces the record.
 */
export async function recomputeLookups(
  scope: MirrorScope,
  request: { table: Table; fields: Fields; changedFieldIds: ReadonlySet<string> },
): Promise<void> {
  for (const field of request.table.fields) {
    const linkFieldId = field.options?.recordLinkFieldId
    const targetFieldId = field.options?.fieldIdInLinkedTable
    if (field.type !== 'multipleLookupValues' || linkFieldId === undefined) continue
    if (targetFieldId === undefined || !request.changedFieldIds.has(linkFieldId)) continue
    const link = request.table.fields.find((f) => f.id === linkFieldId)
    const ids = Array.isArray(request.fields[linkFieldId])
      ? (request.fields[linkFieldId] as string[])
      : []
    const linked = await getRecords(scope.db, {
      baseId: scope.baseId,
      tableId: link?.options?.linkedTableId ?? '',
      ids,
    })
    const byId = new Map(linked.map((r) => [r.id, r.fields[targetFieldId]]))
    const values = ids.flatMap((id) => {
      const value = byId.get(id)
      if (value === undefined || value === null) return []
      return Array.isArray(value) ? (value as unknown[]) : [value]
    })
    if (values.length === 0) delete request.fields[field.id]
    else request.fields[field.id] = values
  }
}

/** Field types allowed in `fieldsToMergeOn` (the emulator's list, airtable-api.md §2.8 [?]). */
const MERGE_FIELD_TYPES = new Set([
  'number',
  'singleLineText',
  'multilineText',
  'singleSelect',
  'multipleSelects',
  'date',
  'email',
  'url',
  'phoneNumber',
])

/** Resolves and checks `fieldsToMergeOn` (1–3 editable fields of allowed types). */
export function mergeFieldsOf(
  table: Table,
  names: readonly string[],
  resolve: (key: string) => Field,
): Field[] {
  if (names.length < 1 || names.length > 3) {
    throw invalidUpsertError('fieldsToMergeOn must list between 1 and 3 fields')
  }
  return names.map((name) => {
    const field = resolve(name)
    if (!MERGE_FIELD_TYPES.has(field.type) || table.fields.every((f) => f.id !== field.id)) {
      throw invalidUpsertError(
        `Field "${field.name}" of type ${field.type} cannot be used in fieldsToMergeOn`,
      )
    }
    return field
  })
}

/**
 * The mirror record an upsert's merge values match: its ID, or undefined for none. More than one
 * fails the request, as Airtable does. A record without a merge value fails too. With `within`
 * (the caller's scope) only the records it keeps count: every match is read, then narrowed.
 */
export async function matchUpsert(
  scope: MirrorScope,
  request: {
    table: Table
    merge: readonly Field[]
    cells: Fields
    within?: (records: MirrorRecord[]) => Promise<MirrorRecord[]>
  },
): Promise<string | undefined> {
  const where = request.merge.map((field) => {
    const value = request.cells[field.id]
    if (value === undefined || value === null) {
      throw invalidUpsertError(`Record is missing a value for the merge field "${field.name}"`)
    }
    return { text: 'r.fields->$1 = $2::jsonb', params: [field.id, jsonParam(value)] }
  })
  const candidates = await queryRecords(scope.db, {
    baseId: scope.baseId,
    tableId: request.table.id,
    where,
    ...(request.within === undefined && { limit: 2 }),
  })
  const matches = request.within === undefined ? candidates : await request.within(candidates)
  if (matches.length > 1) {
    throw invalidUpsertError(
      `Cannot update more than one record with the same value(s) for fieldsToMergeOn: ${request.merge.map((f) => f.name).join(', ')}`,
    )
  }
  return matches[0]?.id
}
