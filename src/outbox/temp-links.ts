/**
 * Temporary record IDs inside link cells (issue 4): a write may link to a record whose create is
 * still in the outbox, by its `tmp…` ID (protocol/mutations.ts). Airtable does not know that ID,
 * so such a write waits until the create commits and is then sent with Airtable's ID
 * (writer-temp-links.ts); if the create fails, the write fails too. Pure helpers.
 *
 * A link cell is an array of record IDs. Without the schema every array cell is scanned: a
 * temporary ID is 14 random characters, so an equal string in a select list is that ID.
 */
import { isTempRecordId, type Fields } from '../protocol/index.ts'

/**
 * The temporary IDs named in `fields`' link cells, each once.
 * @param linkFieldIds the base's link fields; `undefined` scans every array cell
 */
export function tempLinksOf(
  fields: Fields | undefined,
  linkFieldIds?: ReadonlySet<string>,
): string[] {
  const found = new Set<string>()
  for (const [fieldId, cell] of Object.entries(fields ?? {})) {
    if (!Array.isArray(cell) || (linkFieldIds !== undefined && !linkFieldIds.has(fieldId))) {
      continue
    }
    for (const item of cell as unknown[]) {
      if (typeof item === 'string' && isTempRecordId(item)) found.add(item)
    }
  }
  return [...found]
}

/**
 * `fields` with every ID of `realIds` (temporary → Airtable's) replaced in its array cells, each
 * cell without duplicates; the same object when nothing changed.
 */
export function replaceTempLinks<T extends Fields | undefined>(
  fields: T,
  realIds: ReadonlyMap<string, string>,
): T {
  if (fields === undefined || realIds.size === 0) return fields
  let result: Fields | undefined
  for (const [fieldId, cell] of Object.entries(fields)) {
    if (!Array.isArray(cell)) continue
    const items = cell as unknown[]
    if (!items.some((item) => typeof item === 'string' && realIds.has(item))) continue
    result ??= { ...fields }
    result[fieldId] = [
      ...new Set(
        items.map((item) => (typeof item === 'string' ? (realIds.get(item) ?? item) : item)),
      ),
    ]
  }
  return (result ?? fields) as T
}
