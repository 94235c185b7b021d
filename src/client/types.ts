/**
 * The SDK's public types: typed records and field patches (from the generated base types, e.g.
 * `PresenceTables`), list options, per-table cache configuration, SDK events and snapshots.
 * Types only.
 */
import type { AirsyncError } from './errors.ts'

/** Any base: table name → its fields. */
export type AnyTables = Record<string, Record<string, unknown>>

/** A record of a table whose cells are `TFields` (Airtable's JSON shape). */
export interface TypedRecord<TFields> {
  id: string
  /** ISO time; empty for a record created offline and not yet sent. */
  createdTime: string
  fields: TFields
}

/** A write: omitted fields are untouched, `null` clears (Airtable's PATCH rule). */
export type FieldsPatch<TFields> = { -readonly [K in keyof TFields]?: TFields[K] | null }

/** Airtable's sort spec over the table's field names. */
export interface SortOption<TFields> {
  field: keyof TFields & string
  /** @default 'asc' */
  direction?: 'asc' | 'desc'
}

/** The parameters of `listRecords` (airtable-api.md §2.1), all optional. */
export interface ListOptions<TFields = Record<string, unknown>> {
  view?: string
  filterByFormula?: string
  sort?: readonly SortOption<TFields>[]
  fields?: readonly (keyof TFields & string)[]
  /** At most this many records over all pages. */
  maxRecords?: number
  /** Records per request. @default 100 (Airtable's maximum) */
  pageSize?: number
  /**
   * `default`: fresh cache, else stale cache while revalidating, else fetch; `reload`: always
   * fetch (and update the cache).
   * @default 'default'
   */
  cache?: 'default' | 'reload'
}

/**
 * A view's definition as the app knows it (Airtable's API does not expose view filters), so a
 * cached list of the view can be kept right locally when a change event arrives.
 */
export interface ViewDefinition {
  filterByFormula?: string
  sort?: readonly { field: string; direction?: 'asc' | 'desc' }[]
}

/** How the SDK caches one table. */
export interface TableConfig {
  /** How long a fetched list or record is fresh, in ms; 0 = never served from cache. @default 0 */
  ttlMs?: number
  /** Views by name, for local re-checks (see {@link ViewDefinition}). */
  views?: Record<string, ViewDefinition>
}

/** The outcome of a queued write. */
export type MutationOutcome = 'committed' | 'failed' | 'conflict'

/** What `subscribe` listeners receive. */
export type SdkEvent =
  | {
      type: 'change'
      /** The table whose cached data changed. */
      table: string
      recordId?: string
      source: 'server' | 'optimistic' | 'revalidate'
    }
  | {
      type: 'mutation'
      outcome: MutationOutcome
      /** The SDK's ID of the queued write (see `WriteHandle.id`). */
      writeId: string
      table: string
      /** Records as Airtable holds them now (committed), real IDs. */
      records?: TypedRecord<Record<string, unknown>>[]
      error?: AirsyncError
      /** Temporary ID → real ID for creates. */
      idMap?: Record<string, string>
    }
  | { type: 'online' | 'offline' }
  | { type: 'queue'; size: number }
  | { type: 'stream'; connected: boolean }
  | { type: 'reset' }

/** The SDK's state at a moment (immutable; a new object after each change). */
export interface ClientSnapshot {
  online: boolean
  /** The change stream is open. */
  connected: boolean
  /** Writes stored and not yet settled. */
  queueSize: number
  /** Writes of this tab sent and awaiting Airtable. */
  sending: number
}

/** A cached list's state for `useSyncExternalStore` (immutable). */
export interface ListSnapshot<TFields> {
  status: 'loading' | 'success' | 'error'
  /** Server data with this device's pending writes applied. */
  records: readonly TypedRecord<TFields>[]
  error: AirsyncError | undefined
  /** A revalidation is running. */
  fetching: boolean
  fetchedAtMs: number | undefined
}

/** A write accepted into the offline queue. */
export interface WriteHandle<TFields> {
  /** The SDK's ID of the queued write. */
  id: string
  /** The records as the app sees them now (a create has a temporary `tmp…` ID). */
  records: TypedRecord<TFields>[]
  /** Settles when Airtable has committed (real IDs) or refused the write (AirsyncError). */
  settled: Promise<TypedRecord<TFields>[]>
}
