/**
 * The state of one base, without the public API: tables in order, per-field counters, the clock
 * and the behaviour switches. EmulatedBase (base.ts) wraps it; the helper modules (writes,
 * computed, links, query, render, schema-ops) take it as their first argument.
 */
import type { Clock } from '../../shared/index.ts'
import { modelNotFound } from './errors.ts'
import type { TableState } from './table-state.ts'

/**
 * Behaviour the reference marks uncertain ([?]); each is a switch with the default we believe.
 */
export interface BaseBehaviour {
  /**
   * Writing `null` to a computed field: `'reject'` like any other value, or `'ignore'` it
   * (airtable-api.md §5 "even null? — untested [?]"). @default 'reject'
   */
  computedNullWrite: 'reject' | 'ignore'
  /**
   * Match table names in paths case-insensitively when no exact match exists
   * (airtable-api.md §11 [?]). @default false
   */
  caseInsensitiveTableNames: boolean
  /**
   * Field types allowed in `fieldsToMergeOn`. The docs list number, single line text, long text,
   * single select, multiple select and date; email, url and phoneNumber are text fields we also
   * allow [?] because the docs' own example merges on "Email".
   */
  upsertMergeFieldTypes: readonly string[]
  /**
   * With typecast, link cells may name linked records by primary-field text (airtable-api.md
   * §2.10 [?]). @default true
   */
  typecastLinksByPrimaryText: boolean
}

/** The defaults of {@link BaseBehaviour}. */
export const DEFAULT_BEHAVIOUR: BaseBehaviour = {
  computedNullWrite: 'reject',
  caseInsensitiveTableNames: false,
  upsertMergeFieldTypes: [
    'number',
    'singleLineText',
    'multilineText',
    'singleSelect',
    'multipleSelects',
    'date',
    'email',
    'url',
    'phoneNumber',
  ],
  typecastLinksByPrimaryText: true,
}

/** A base's tables, counters and settings. */
export class Model {
  readonly id: string
  name: string
  readonly clock: Clock
  readonly behaviour: BaseBehaviour
  tables: TableState[] = []
  /** Next value of each autoNumber field, keyed by field ID. */
  autoNumbers = new Map<string, number>()

  constructor(init: { id: string; name: string; clock: Clock; behaviour: BaseBehaviour }) {
    this.id = init.id
    this.name = init.name
    this.clock = init.clock
    this.behaviour = init.behaviour
  }

  /** A table by ID, or undefined. */
  tableById(id: string): TableState | undefined {
    return this.tables.find((t) => t.id === id)
  }

  /** A table by ID or name; throws 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND when unknown. */
  table(idOrName: string): TableState {
    const found =
      this.tables.find((t) => t.id === idOrName) ??
      this.tables.find((t) => t.name === idOrName) ??
      (this.behaviour.caseInsensitiveTableNames
        ? this.tables.find((t) => t.name.toLowerCase() === idOrName.toLowerCase())
        : undefined)
    if (!found) throw modelNotFound()
    return found
  }

  /** Takes the next number of an autoNumber field (1, 2, 3…; never reused). */
  takeAutoNumber(fieldId: string): number {
    const next = this.autoNumbers.get(fieldId) ?? 1
    this.autoNumbers.set(fieldId, next + 1)
    return next
  }

  /** Drops the derived caches of every table (a schema change may affect lookups elsewhere). */
  invalidateAll(): void {
    for (const table of this.tables) table.invalidate()
  }
}
