/**
 * The SDK shapes the pages use (a subset of src/client/types.ts, issue 6), kept here so the pages
 * compile against one surface whether the stand-in (interim-client.ts) or the SDK serves them.
 * Structural: the SDK's own types satisfy these.
 */

/** A record: Airtable's JSON shape. */
export interface TypedRecord<TFields> {
  id: string
  createdTime: string
  fields: TFields
}

/** What the pages read of an error: Airtable's type and a sentence for a toast. */
export interface DataError {
  readonly type: string
  readonly status: number
  readonly message: string
  readonly userMessage: string
}

/** List parameters (airtable-api.md §2.1). */
export interface ListOptions {
  view?: string
  filterByFormula?: string
  sort?: readonly { field: string; direction?: 'asc' | 'desc' }[]
  fields?: readonly string[]
  maxRecords?: number
}

/** A watched list's state (immutable; a new object after each change). */
export interface ListSnapshot<TFields> {
  status: 'loading' | 'success' | 'error'
  records: readonly TypedRecord<TFields>[]
  error: DataError | undefined
  fetching: boolean
  fetchedAtMs: number | undefined
}

/** The client's state. */
export interface ClientSnapshot {
  online: boolean
  connected: boolean
  queueSize: number
  sending: number
}

/** What `subscribe` listeners receive. */
export type SdkEvent =
  | {
      type: 'change'
      table: string
      recordId?: string
      source: 'server' | 'optimistic' | 'revalidate'
    }
  | {
      type: 'mutation'
      outcome: 'committed' | 'failed' | 'conflict'
      writeId: string
      table: string
      error?: DataError
    }
  | { type: 'online' | 'offline' }
  | { type: 'queue'; size: number }
  | { type: 'stream'; connected: boolean }
  | { type: 'reset' }
