/**
 * Server-side list-records iterators (airtable-api.md §2.4). The first page fixes the selection
 * (which records, in which order); later pages walk it. An offset is `itr…/rec…`: the iterator
 * and the first record of the next page. Iterators expire after `ttlMs` of inactivity, then the
 * next page answers 422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE (no message); an offset that is not
 * of that shape answers 422 INVALID_OFFSET_VALUE.
 *
 * Invariant: an iterator is only ever used with the same table and query it was created for; a
 * mismatch is treated as unavailable, like Airtable's "do not mix offsets" rule.
 */
import { isAirtableId, newId } from '../protocol/ids.ts'
import type { Clock } from '../shared/clock.ts'
import { EmulatorError } from './state/types.ts'

interface Iterator {
  /** Table ID + canonical query; must match on every page. */
  readonly key: string
  readonly recordIds: readonly string[]
  lastUsedMs: number
}

export interface IteratorStoreOptions {
  clock: Clock
  /** Inactivity after which an iterator is gone, in ms ([?] undocumented; "minutes"). */
  ttlMs: number
  /** Most iterators kept; the least recently used go first. @default 1000 */
  maxIterators?: number
}

/** Where a page starts. */
export interface PageCursor {
  iteratorId: string
  recordIds: readonly string[]
  /** Index of the page's first record in `recordIds`. */
  start: number
}

export class IteratorStore {
  readonly #iterators = new Map<string, Iterator>()
  readonly #clock: Clock
  readonly #ttlMs: number
  readonly #max: number

  constructor(options: IteratorStoreOptions) {
    this.#clock = options.clock
    this.#ttlMs = options.ttlMs
    this.#max = options.maxIterators ?? 1000
  }

  /** Starts a walk over `recordIds` (already limited by maxRecords). */
  start(key: string, recordIds: readonly string[]): PageCursor {
    this.#sweep()
    const iteratorId = newId('itr')
    this.#iterators.set(iteratorId, { key, recordIds, lastUsedMs: this.#clock.now() })
    while (this.#iterators.size > this.#max) {
      const oldest = this.#iterators.keys().next().value
      if (oldest === undefined) break
      this.#iterators.delete(oldest)
    }
    return { iteratorId, recordIds, start: 0 }
  }

  /** Resumes a walk from an offset string; throws Airtable's 422s. */
  resume(key: string, offset: string): PageCursor {
    const [iteratorId, recordId, ...rest] = offset.split('/')
    if (
      iteratorId === undefined ||
      recordId === undefined ||
      rest.length > 0 ||
      !isAirtableId(iteratorId, 'itr') ||
      !isAirtableId(recordId, 'rec')
    ) {
      throw new EmulatorError({
        type: 'INVALID_OFFSET_VALUE',
        message: `The value of offset ${offset} is invalid`,
      })
    }
    this.#sweep()
    const iterator = this.#iterators.get(iteratorId)
    const start = iterator?.recordIds.indexOf(recordId) ?? -1
    if (iterator === undefined || iterator.key !== key || start < 0) {
      throw new EmulatorError({ type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE' })
    }
    iterator.lastUsedMs = this.#clock.now()
    // Refresh LRU position.
    this.#iterators.delete(iteratorId)
    this.#iterators.set(iteratorId, iterator)
    return { iteratorId, recordIds: iterator.recordIds, start }
  }

  /** The offset for the page after `[start, end)`, or undefined when that was the last page. */
  offsetAfter(cursor: PageCursor, end: number): string | undefined {
    const next = cursor.recordIds[end]
    if (next === undefined) {
      this.#iterators.delete(cursor.iteratorId)
      return undefined
    }
    return `${cursor.iteratorId}/${next}`
  }

  /** Forgets every iterator, as a server restart does (control endpoint, tests). */
  expireAll(): number {
    const n = this.#iterators.size
    this.#iterators.clear()
    return n
  }

  get size(): number {
    return this.#iterators.size
  }

  #sweep(): void {
    const oldest = this.#clock.now() - this.#ttlMs
    for (const [id, it] of this.#iterators) if (it.lastUsedMs <= oldest) this.#iterators.delete(id)
  }
}
