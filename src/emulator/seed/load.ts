/**
 * `loadBaseDefinition(def, { clock })`: builds an EmulatedBase from a declarative definition.
 *
 * The schema is built first (load-schema.ts) and given its derived IDs (auto-created inverse
 * fields, default grid views) while it holds no records; then the records go in with their final
 * IDs and creation times (load-records.ts, one bulk load by default). While loading, "now" is the
 * start of the current UTC day (lastModifiedTime stamps and NOW() read it); afterwards the base
 * runs on the caller's clock. Attachment IDs are then numbered in order of appearance, so one
 * definition always yields the same base. Loading emits no transactions: nobody listens yet.
 */
import { systemClock, type Clock } from '../../shared/clock.ts'
import { EmulatedBase, type BaseBehaviour, type BaseSnapshot } from '../state/index.ts'
import type { BaseDefinition, ParsedBaseDefinition } from './definition.ts'
import { derivedId } from './ids.ts'
import { loadRecords, type RecordLoadMode } from './load-records.ts'
import { idPlan, loadSchema } from './load-schema.ts'
import { checkBaseDefinition, parseBaseDefinition } from './validate.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export interface LoadOptions {
  /** The base's clock after loading. @default systemClock */
  clock?: Clock
  /** Switches for uncertain Airtable behaviour, passed to the base. */
  behaviour?: Partial<BaseBehaviour>
  /** Names the definition in error messages (e.g. its file). */
  source?: string
  /**
   * The definition is built by trusted code (a built-in seed): skip the zod shape check, keep the
   * cross-reference checks. Saves a noticeable share of the Presence load time. @default false
   */
  trusted?: boolean
  /**
   * How records are written: one bulk load, or one ordinary create request per record (the
   * reference the bulk path is tested against; much slower). @default 'bulk'
   */
  records?: RecordLoadMode
}

/** Start of the UTC day of `ms`: records without a createdTime are created then. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS
}

const ID = /^(rec|fld|viw)[A-Za-z0-9]{14}$/
const EMBEDDED_ID = /\b(rec|fld|viw)[A-Za-z0-9]{14}\b/g
/** Field types whose cells may hold attachment objects. */
const CARRY_ATTACHMENTS = new Set(['multipleAttachments', 'multipleLookupValues'])
const ATTACHMENT_ID = /^att[A-Za-z0-9]{14}$/

/** Replaces the IDs in `remap` everywhere in a (record-less) snapshot: schema, options, formulas. */
function remapIds(snapshot: BaseSnapshot, remap: ReadonlyMap<string, string>): unknown {
  const id = (text: string): string => {
    if (text.length === 17 && ID.test(text)) return remap.get(text) ?? text
    // Formula text names fields as {fldXXXXXXXXXXXXXX}.
    return text.includes('{fld') ? text.replace(EMBEDDED_ID, (m) => remap.get(m) ?? m) : text
  }
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return id(value)
    if (Array.isArray(value)) return value.map(walk)
    if (typeof value !== 'object' || value === null) return value
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) out[id(key)] = walk(inner)
    return out
  }
  return walk(snapshot)
}

/**
 * Gives every attachment a derived ID, numbered in order of appearance (tables, records, fields),
 * so a definition always loads to the same base. Rewrites the attachment objects in place: the
 * base is not handed out yet, and lookups share the very objects of the cells they copy.
 */
function renumberAttachments(base: EmulatedBase, seed: string): void {
  const derived = new Map<string, string>()
  const assigned = new Set<string>()
  for (const table of base.schema().tables) {
    for (const record of base.list(table.id)) {
      for (const field of table.fields) {
        if (!CARRY_ATTACHMENTS.has(field.type)) continue
        const cell = record.cells[field.id]
        if (!Array.isArray(cell)) continue
        for (const item of cell as unknown[]) {
          if (typeof item !== 'object' || item === null) continue
          const attachment = item as { id?: unknown }
          if (typeof attachment.id !== 'string' || !ATTACHMENT_ID.test(attachment.id)) continue
          // A lookup shares the objects of the cells it copies: those are done already.
          if (assigned.has(attachment.id)) continue
          let id = derived.get(attachment.id)
          if (id === undefined) {
            id = derivedId('att', seed, derived.size)
            derived.set(attachment.id, id)
            assigned.add(id)
          }
          attachment.id = id
        }
      }
    }
  }
}

/** Builds the base a definition describes; throws BaseDefinitionError naming every problem. */
export function loadBaseDefinition(
  input: BaseDefinition | ParsedBaseDefinition,
  options: LoadOptions = {},
): EmulatedBase {
  const def =
    options.trusted === true
      ? checkBaseDefinition(input, options.source)
      : parseBaseDefinition(input, options.source)
  const clock = options.clock ?? systemClock
  const ids = idPlan(def)
  const defaultMs = startOfUtcDay(clock.now())
  const behaviour = options.behaviour === undefined ? {} : { behaviour: options.behaviour }
  const building = new EmulatedBase({
    id: def.id ?? derivedId('app', ids.seed),
    name: def.name,
    clock: { now: () => defaultMs },
    ...behaviour,
  })
  const remap = loadSchema(building, def, ids)
  // The schema alone is small: give it its derived IDs before any record exists.
  const schema = remapIds({ ...building.toSnapshot(), transactionNumber: 0 }, remap)
  let loading = true
  const phased: Clock = { now: () => (loading ? defaultMs : clock.now()) }
  const base = EmulatedBase.fromSnapshot(schema, { clock: phased, ...behaviour })
  try {
    loadRecords(base, def, { ids, mode: options.records ?? 'bulk' })
  } finally {
    loading = false
  }
  renumberAttachments(base, ids.seed)
  return base
}
