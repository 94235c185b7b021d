/**
 * Three-way, field-level conflict detection and resolution, decided when a mutation is flushed:
 * `base` is what the writer last saw, `remote` what Airtable has now, `local` what the writer wants.
 *
 * - A field is in conflict when the writer writes it, Airtable's value differs from the base
 *   (someone else changed it) and differs from the local value (they did not make the same change).
 * - Fields nobody else changed always merge: the local value is written. Fields only Airtable
 *   changed (the writer repeats the value it saw, as a whole-record save does) keep Airtable's.
 * - A field in conflict follows its policy:
 *   `remote-wins` keeps Airtable's value; `local-wins` writes the local one; `latest-wins`
 *   compares the local edit time with Airtable's last modification (ties and unknown times go to
 *   `tieBreak`, by default Airtable's value — [?] Airtable gives last-modified times per record,
 *   or per field only through a lastModifiedTime field, which stamps airsync's own writes at
 *   commit: writer-conflicts.ts counts those from their edit time); `merge-sets` unions
 *   multi-selects and links: Airtable's items in its order, minus those the writer removed
 *   relative to the base, plus the writer's additions in the writer's order; `manual` holds the
 *   whole mutation for a person (the other fields' decisions are still reported).
 * - `merge-sets` on a value that is not a list cannot merge: it is held, like `manual`.
 * - A base that is given covers every written field: a field missing from it was seen blank
 *   (Airtable omits empty cells). Without a base (`undefined`) nothing is checked: last write wins.
 * - Values compare as Airtable cells ({@link cellsEqual}); merge-sets compare as sets.
 */
import type { Fields } from '../protocol/index.ts'
import { isEmptyCell } from '../formula/index.ts'
import { cellsEqual, itemKey } from './cell-equality.ts'

/** How a field in conflict is settled. */
export const CONFLICT_POLICIES = [
  'remote-wins',
  'local-wins',
  'latest-wins',
  'merge-sets',
  'manual',
] as const
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number]

/** How one field's conflict ended. */
export type FieldResolution = 'local' | 'remote' | 'merged' | 'held'

/** One field in conflict. */
export interface FieldConflict {
  fieldId: string
  policy: ConflictPolicy
  base: unknown
  local: unknown
  remote: unknown
  resolution: FieldResolution
  /** The value the field ends with (`undefined` while held). */
  value: unknown
}

/** Input of {@link resolveThreeWay}. Fields are keyed by field ID. */
export interface ThreeWayInput {
  /** What the writer last saw; `undefined` skips conflict detection. */
  base: Fields | undefined
  /** Airtable's current fields of the record. */
  remote: Fields
  /** What the mutation writes. */
  local: Fields
  /**
   * PATCH leaves unwritten fields alone, so a field settled to Airtable's value is left out; a
   * PUT clears what it omits, so it carries that value. (The fields a PUT omits are cleared as
   * the writer asked; they are not checked.)
   */
  mode: 'patch' | 'put'
  policyFor: (fieldId: string) => ConflictPolicy
  /** When the writer edited the field (epoch ms). */
  localEditedAtMs?: (fieldId: string) => number | undefined
  /** When Airtable's value of the field last changed (epoch ms), when known. */
  remoteModifiedAtMs?: (fieldId: string) => number | undefined
  /** Who wins `latest-wins` on equal or unknown times. @default 'remote' */
  tieBreak?: 'local' | 'remote'
}

/** What to do with a flushed mutation. */
export interface ThreeWayResult {
  /** The fields to send now (all of them for a PUT). */
  fields: Fields
  /** Every field in conflict, however settled; record them all. */
  conflicts: FieldConflict[]
  /** A field needs a person: hold the mutation instead of sending it. */
  held: boolean
}

/** Decides a mutation's fields against Airtable's current values. Pure. */
export function resolveThreeWay(input: ThreeWayInput): ThreeWayResult {
  const fields: Fields = {}
  const conflicts: FieldConflict[] = []
  for (const [fieldId, local] of Object.entries(input.local)) {
    const remote = input.remote[fieldId]
    const write = (value: unknown): void => {
      // A PATCH need not repeat what Airtable already has; a PUT must, or it clears the field.
      if (input.mode === 'put' || !cellsEqual(value, remote)) fields[fieldId] = value ?? null
    }
    if (
      input.base === undefined ||
      cellsEqual(input.base[fieldId], remote) ||
      cellsEqual(local, remote)
    ) {
      write(local)
      continue
    }
    const base = input.base[fieldId]
    if (cellsEqual(local, base)) {
      // Only Airtable changed it: the writer merely repeated what it saw (a whole-record save).
      write(remote)
      continue
    }
    const policy = input.policyFor(fieldId)
    const settled = settle({ input, fieldId, policy, base, local, remote })
    conflicts.push({ fieldId, policy, base, local, remote, ...settled })
    if (settled.resolution !== 'held') write(settled.value)
  }
  return { fields, conflicts, held: conflicts.some((c) => c.resolution === 'held') }
}

interface Settling {
  input: ThreeWayInput
  fieldId: string
  policy: ConflictPolicy
  base: unknown
  local: unknown
  remote: unknown
}

function settle(s: Settling): Pick<FieldConflict, 'resolution' | 'value'> {
  const remote = { resolution: 'remote', value: s.remote } as const
  const local = { resolution: 'local', value: s.local } as const
  const held = { resolution: 'held', value: undefined } as const
  switch (s.policy) {
    case 'remote-wins':
      return remote
    case 'local-wins':
      return local
    case 'latest-wins': {
      const localMs = s.input.localEditedAtMs?.(s.fieldId)
      const remoteMs = s.input.remoteModifiedAtMs?.(s.fieldId)
      if (localMs === undefined || remoteMs === undefined || localMs === remoteMs) {
        return (s.input.tieBreak ?? 'remote') === 'local' ? local : remote
      }
      return localMs > remoteMs ? local : remote
    }
    case 'merge-sets': {
      const merged = mergeSets(s.base, s.local, s.remote)
      if (merged === undefined) return held
      if (cellsEqual(merged, s.remote)) return remote
      return { resolution: 'merged', value: merged }
    }
    case 'manual':
      return held
  }
}

/**
 * Three-way set merge: Airtable's items in its order, without those the writer removed
 * (in base, not in local), then the writer's additions (in local, not in base) in its order.
 * @returns `undefined` when a value is neither a list nor blank
 */
export function mergeSets(base: unknown, local: unknown, remote: unknown): unknown[] | undefined {
  const asList = (value: unknown): unknown[] | undefined =>
    Array.isArray(value) ? (value as unknown[]) : isEmptyCell(value) ? [] : undefined
  const b = asList(base)
  const l = asList(local)
  const r = asList(remote)
  if (b === undefined || l === undefined || r === undefined) return undefined
  const baseKeys = new Set(b.map(itemKey))
  const localKeys = new Set(l.map(itemKey))
  const removed = new Set([...baseKeys].filter((key) => !localKeys.has(key)))
  const result = r.filter((item) => !removed.has(itemKey(item)))
  const present = new Set(result.map(itemKey))
  for (const item of l) {
    const key = itemKey(item)
    if (!baseKeys.has(key) && !present.has(key)) {
      result.push(item)
      present.add(key)
    }
  }
  return result
}

/** The conflict row to record for a result (src/store `ConflictInput` without IDs). */
export interface ConflictSummary {
  fieldIds: string[]
  baseValues: Fields
  localValues: Fields
  remoteValues: Fields
  /** The policy, or the distinct policies joined with `,` when fields differ. */
  policy: string
  status: 'open' | 'resolved'
  /** `local`, `remote` or `merged` (fields settled differently, or merged sets). */
  resolution: string | undefined
  resolvedValues: Fields | undefined
}

/** Summarises a result's conflicts as one record; `undefined` when there were none. */
export function summariseConflicts(result: ThreeWayResult): ConflictSummary | undefined {
  if (result.conflicts.length === 0) return undefined
  const pick = (get: (c: FieldConflict) => unknown): Fields =>
    Object.fromEntries(result.conflicts.map((c) => [c.fieldId, get(c) ?? null]))
  const policies = [...new Set(result.conflicts.map((c) => c.policy))]
  const resolutions = [...new Set(result.conflicts.map((c) => c.resolution))]
  return {
    fieldIds: result.conflicts.map((c) => c.fieldId),
    baseValues: pick((c) => c.base),
    localValues: pick((c) => c.local),
    remoteValues: pick((c) => c.remote),
    policy: policies.join(','),
    status: result.held ? 'open' : 'resolved',
    resolution: result.held ? undefined : resolutions.length === 1 ? resolutions[0] : 'merged',
    resolvedValues: result.held ? undefined : pick((c) => c.value),
  }
}
