/**
 * The writer's side of temporary IDs inside link cells (temp-links.ts): a mutation whose link
 * cells name the temporary ID of a create is never sent before that create commits.
 *
 *   named create open ──► the mutation waits (batch.ts: the later mutations of its record wait
 *          │              behind it; earlier ones and other records flow)
 *          ├─ commits ──► writer-apply.ts `reassignLinks` puts Airtable's ID in the mutation (and
 *          │              the mirror) in the commit's transaction; it is sent next round
 *          └─ fails, dropped, cancelled ──► the mutation fails: ROW_DOES_NOT_EXIST naming the
 *                         temporary ID, its mirror change rolled back as any refused write's
 *
 * A create is accepted before any write can name its temporary ID (accept-mirror.ts), and a
 * mutation naming one is never coalesced into an earlier entry (coalesce.ts), so a create only
 * ever waits for earlier creates: no two wait for each other.
 */
import type { AirtableRecord } from '../protocol/index.ts'
import {
  findCreatesByTempIds,
  getMutations,
  lockFeed,
  type Db,
  type StoredMutation,
} from '../store/index.ts'
import type { CoalescedMutation } from './coalesce.ts'
import type { MutationError } from './mutation.ts'
import { tempLinksOf } from './temp-links.ts'
import {
  applyTransitions,
  lastPositionOf,
  mirrorReverted,
  reassignLinks,
  type ApplyContext,
} from './writer-apply.ts'
import { fetchRecords, type SendContext } from './writer-send.ts'

/** What these steps need (a writer round's context fits). */
export interface TempLinkContext {
  db: Db
  apply: ApplyContext
  send: SendContext
  /** The base's link fields (field IDs); undefined before the schema is known (every array). */
  linkFieldIds: ReadonlySet<string> | undefined
}

/**
 * Before coalescing: a queued mutation whose link cells name a create that committed but whose
 * ID was not substituted yet (a write accepted as the commit landed) gets Airtable's ID now, in
 * the store too. Those naming an open create are left for the planner to hold; those naming a
 * create that failed, for it to report unresolved and {@link failDeadLinks} to settle in order.
 */
export async function resolveTempLinks(
  ctx: TempLinkContext,
  rows: readonly StoredMutation[],
): Promise<StoredMutation[]> {
  const named = new Map<string, string[]>()
  for (const row of rows) {
    if (row.state !== 'queued') continue
    const temps = tempLinksOf(row.fields, ctx.linkFieldIds)
    if (temps.length > 0) named.set(row.mutationId, temps)
  }
  if (named.size === 0) return [...rows]
  const open = new Set(
    rows.flatMap((r) =>
      (r.op === 'create' || r.op === 'upsert') && r.tempRecordId !== undefined
        ? [r.tempRecordId]
        : [],
    ),
  )
  const settled = [...new Set([...named.values()].flat())].filter((temp) => !open.has(temp))
  const resolved = await substituteCommitted(ctx, settled)
  if (resolved.size === 0) return [...rows]
  return reload(ctx, rows, new Set(named.keys()))
}

/** Creates among `temps` that committed: their IDs substituted in the store (one transaction). */
async function substituteCommitted(
  ctx: TempLinkContext,
  temps: readonly string[],
): Promise<Set<string>> {
  const creates = await findCreatesByTempIds(ctx.db, {
    baseId: ctx.apply.baseId,
    tempRecordIds: temps,
  })
  const committed = creates.filter(
    (c) => c.state === 'committed' && c.recordId !== undefined && c.tempRecordId !== undefined,
  )
  if (committed.length === 0) return new Set()
  await ctx.db.transaction(async (tx) => {
    await lockFeed(tx)
    await reassignLinks(
      tx,
      ctx.apply,
      committed.map((c) => ({
        from: c.tempRecordId ?? '',
        to: c.recordId ?? '',
        mutationId: c.mutationId,
      })),
    )
  })
  return new Set(committed.map((c) => c.tempRecordId ?? ''))
}

/** `rows` with the rewritten ones read again. */
async function reload(
  ctx: TempLinkContext,
  rows: readonly StoredMutation[],
  ids: ReadonlySet<string>,
): Promise<StoredMutation[]> {
  const fresh = new Map((await getMutations(ctx.db, [...ids])).map((r) => [r.mutationId, r]))
  return rows.map((row) => {
    const again = fresh.get(row.mutationId)
    return again === undefined
      ? row
      : { ...row, fields: again.fields, baseFields: again.baseFields }
  })
}

/**
 * Fails the planner's unresolved entries whose link cells name a temporary ID (its create
 * failed, was dropped or cancelled) and rolls their mirror changes back as a refused write's:
 * a create's row goes, an update's record goes back to Airtable's value with the later open
 * mutations folded on top. @returns how many entries it settled
 */
export async function failDeadLinks(
  ctx: TempLinkContext,
  job: { entries: readonly CoalescedMutation[]; rows: readonly StoredMutation[] },
): Promise<number> {
  const dead = job.entries.flatMap((entry) => {
    const [temp] = tempLinksOf(entry.fields, ctx.linkFieldIds)
    return temp === undefined ? [] : [{ entry, temp }]
  })
  if (dead.length === 0) return 0
  const remote = await readRemote(
    ctx,
    dead.map((d) => d.entry),
  )
  const atMs = ctx.send.clock.now()
  await ctx.db.transaction(async (tx) => {
    await lockFeed(tx)
    await applyTransitions(
      tx,
      ctx.apply,
      dead.flatMap(({ entry, temp }) =>
        entry.mutationIds.map((mutationId) => ({
          mutationId,
          action: { type: 'fail' as const, error: deadLinkError(temp), atMs },
        })),
      ),
    )
    for (const { entry } of dead) {
      await mirrorReverted(tx, ctx.apply, {
        entry,
        remote: remote === 'unknown' ? remote : remote.get(entry.recordId ?? ''),
        afterPosition: lastPositionOf(job.rows, entry),
      })
    }
  })
  return dead.length
}

/** Airtable's error for a link to a record it does not have, naming the temporary ID. */
function deadLinkError(temp: string): MutationError {
  return {
    type: 'ROW_DOES_NOT_EXIST',
    message: `Record ID ${temp} does not exist in this table: its create did not reach Airtable`,
    status: 422,
  }
}

/** Airtable's current records behind the entries that edit existing records. */
async function readRemote(
  ctx: TempLinkContext,
  entries: readonly CoalescedMutation[],
): Promise<Map<string, AirtableRecord> | 'unknown'> {
  const byTable = new Map<string, string[]>()
  for (const entry of entries) {
    if (entry.op === 'create' || entry.op === 'upsert' || entry.recordId === undefined) continue
    byTable.set(entry.tableId, [...(byTable.get(entry.tableId) ?? []), entry.recordId])
  }
  const found = new Map<string, AirtableRecord>()
  try {
    for (const [tableId, recordIds] of byTable) {
      for (const [id, record] of await fetchRecords(ctx.send, { tableId, recordIds })) {
        found.set(id, record)
      }
    }
  } catch (error) {
    ctx.apply.logger.warn({ err: error }, 'outbox: could not read records to revert')
    return 'unknown'
  }
  return found
}
