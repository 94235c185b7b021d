/**
 * Waiting for mutations to become final (committed, failed, or held in conflict), for write
 * requests that answer with Airtable's result. One waiter per API instance: while anyone waits,
 * it listens to the change feed (the writer appends a `mutation` entry in the transaction that
 * settles a mutation, so its NOTIFY wakes us) and polls as a fallback, since notifications can be
 * lost.
 *
 * A wake-up reads which mutations the new feed entries name and checks only the requests waiting
 * on one of them; a new request checks its own mutations; the poll checks everyone. Under load a
 * hundred requests wait and a few settle per wake-up, so checking them all each time was most of
 * the server's database work. Full rows are loaded only for requests whose mutations all settled;
 * wake-ups during a check are folded into one more check.
 */
import {
  getMutations,
  getMutationStates,
  latestSeq,
  mutationsChangedBetween,
  onChanges,
  type Db,
  type StoredMutation,
  type Unlisten,
} from '../../store/index.ts'

/** States after which a waiting request answers. */
const FINAL: ReadonlySet<string> = new Set(['committed', 'failed', 'conflict'])

/** True when the mutation will not change without a person (or never). */
export function isSettled(mutation: Pick<StoredMutation, 'state'>): boolean {
  return FINAL.has(mutation.state)
}

interface Waiting {
  ids: readonly string[]
  resolve: (rows: StoredMutation[] | undefined) => void
  timer: ReturnType<typeof setTimeout>
}

/** Options of {@link createMutationWaiter}. */
export interface MutationWaiterOptions {
  db: Db
  /** Fallback poll while anyone waits. @default 1000 */
  pollIntervalMs?: number
  /** Called with errors of a check (the next wake-up tries again). */
  onError?: (error: unknown) => void
}

/** Waits for mutations; see the module header. */
export interface MutationWaiter {
  /**
   * Resolves with the mutations (request order) once all are settled, or `undefined` after
   * `timeoutMs`.
   */
  wait(
    ids: readonly string[],
    options: { timeoutMs: number },
  ): Promise<StoredMutation[] | undefined>
}

/** Creates the waiter (it listens only while someone waits). */
export function createMutationWaiter(options: MutationWaiterOptions): MutationWaiter {
  const { db } = options
  const waiting = new Set<Waiting>()
  let unlisten: Promise<Unlisten> | undefined
  let poll: ReturnType<typeof setInterval> | undefined
  let running = false
  let again = false
  /** The feed seq up to which settlements have been looked at (undefined: not listening yet). */
  let cursor: number | undefined
  /** The highest seq a notification announced. */
  let announced = 0
  /** Check every waiter next time (the poll, a lost cursor). */
  let checkAll = false
  /** Waiters that have not been checked since they arrived. */
  const fresh = new Set<Waiting>()

  const stopIfIdle = (): void => {
    if (waiting.size > 0) return
    if (poll !== undefined) clearInterval(poll)
    poll = undefined
    cursor = undefined
    const current = unlisten
    unlisten = undefined
    void current?.then((stop) => stop()).catch((error: unknown) => options.onError?.(error))
  }

  /** The waiters to check this time, and the feed cursor afterwards. */
  const due = async (): Promise<{ waiters: Waiting[]; cursor: number }> => {
    if (checkAll || cursor === undefined) {
      checkAll = false
      fresh.clear()
      // Read the cursor first: what settles after it is announced, what settled before is seen.
      return { waiters: [...waiting], cursor: Math.max(cursor ?? 0, await latestSeq(db)) }
    }
    const waiters = new Set(fresh)
    fresh.clear()
    const upTo = announced
    if (upTo > cursor) {
      const changed = await mutationsChangedBetween(db, { afterSeq: cursor, upToSeq: upTo })
      for (const waiter of waiting)
        if (waiter.ids.some((id) => changed.has(id))) waiters.add(waiter)
    }
    return { waiters: [...waiters], cursor: Math.max(cursor, upTo) }
  }

  const checkOnce = async (): Promise<void> => {
    const next = await due()
    cursor = next.cursor
    const ids = [...new Set(next.waiters.flatMap((w) => w.ids))]
    if (ids.length === 0) return
    const states = await getMutationStates(db, ids)
    const done = next.waiters.filter((waiter) =>
      waiter.ids.every((id) => FINAL.has(states.get(id) ?? '')),
    )
    if (done.length === 0) return
    const rows = await getMutations(db, [...new Set(done.flatMap((w) => w.ids))])
    const byId = new Map(rows.map((row) => [row.mutationId, row]))
    for (const waiter of done) {
      // A waiter that timed out meanwhile has been answered already.
      if (!waiting.delete(waiter)) continue
      clearTimeout(waiter.timer)
      waiter.resolve(waiter.ids.flatMap((id) => byId.get(id) ?? []))
    }
  }

  const check = async (): Promise<void> => {
    if (running) {
      again = true
      return
    }
    running = true
    try {
      do {
        again = false
        await checkOnce().catch((error: unknown) => {
          checkAll = true
          options.onError?.(error)
        })
      } while (again)
    } finally {
      running = false
      stopIfIdle()
    }
  }

  const start = (): void => {
    unlisten ??= onChanges(db, (seq) => {
      announced = Math.max(announced, seq)
      void check()
    })
    unlisten.catch((error: unknown) => options.onError?.(error))
    poll ??= setInterval(() => {
      checkAll = true
      void check()
    }, options.pollIntervalMs ?? 1000)
    poll.unref()
  }

  return {
    wait(ids, { timeoutMs }) {
      return new Promise((resolve) => {
        const waiter: Waiting = {
          ids,
          resolve,
          timer: setTimeout(() => {
            waiting.delete(waiter)
            fresh.delete(waiter)
            stopIfIdle()
            resolve(undefined)
          }, timeoutMs),
        }
        waiting.add(waiter)
        fresh.add(waiter)
        start()
        // They may be settled already (a replayed key, a fast writer).
        void check()
      })
    },
  }
}
