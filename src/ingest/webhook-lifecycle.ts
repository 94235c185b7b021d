/**
 * airsync's webhook on the base (airtable-api.md §7.1, §7.6): make sure it exists and is healthy,
 * store its ID, MAC secret, expiry and cursor in the base's sync state, refresh it well before it
 * expires, turn pings back on after Airtable turned them off, and recreate it when it is deleted,
 * expired, broken, or no longer what we want (another notification URL).
 *
 * Invariants:
 * - The MAC secret is only in the create response (§7.1), so a webhook whose secret we lost is
 *   replaced, never adopted.
 * - A webhook created after the mirror was synced means payloads were missed: the base is marked
 *   `needs_resync` with the reason, in the same write that stores the new webhook.
 *
 *   none ─► create ─► ok ─► (expiry within margin) refresh ─► ok
 *                      │
 *                      └─► deleted / expired / broken / URL changed ─► recreate (+ resync)
 */
import type { AirtableClient } from '../airtable/index.ts'
import type { Webhook, WebhookSpecification } from '../protocol/index.ts'
import { getBaseSyncState, setBaseSyncState, type BaseSyncState, type Db } from '../store/index.ts'

/**
 * What airsync watches: records, fields and table metadata of the whole base, with every
 * non-empty cell of a changed record (`unchanged`), so a changed record the mirror lacks can be
 * written whole and a changed record is never half-known.
 */
export const AIRSYNC_WEBHOOK_SPECIFICATION: WebhookSpecification = {
  options: {
    filters: { dataTypes: ['tableData', 'tableFields', 'tableMetadata'] },
    includes: { includeCellValuesInFieldIds: 'all' },
  },
}

/** What to do about the stored webhook. */
export type WebhookDecision =
  | { action: 'create'; reason: string }
  | { action: 'keep'; refresh: boolean; enableNotifications: boolean; webhook: Webhook }

/** Inputs of {@link decideWebhook}. */
export interface WebhookFacts {
  /** The stored webhook ID, if any. */
  storedId: string | undefined
  /** Our MAC secret is stored (without it pings cannot be checked). */
  hasSecret: boolean
  /** The base's webhooks as Airtable lists them. */
  listed: readonly Webhook[]
  /** The ping URL wanted; undefined: polling only. */
  notificationUrl: string | undefined
  nowMs: number
  /** Refresh when fewer than this many ms of life remain. */
  refreshMarginMs: number
}

/** Decides, from what Airtable lists, whether the stored webhook can be kept. Pure. */
export function decideWebhook(facts: WebhookFacts): WebhookDecision {
  if (facts.storedId === undefined) return { action: 'create', reason: 'no webhook yet' }
  const webhook = facts.listed.find((w) => w.id === facts.storedId)
  if (webhook === undefined) return { action: 'create', reason: 'webhook deleted' }
  if (!facts.hasSecret) return { action: 'create', reason: 'webhook secret lost' }
  const expiresMs = webhook.expirationTime === null ? undefined : Date.parse(webhook.expirationTime)
  if (!webhook.isHookEnabled) {
    const expired = expiresMs !== undefined && expiresMs <= facts.nowMs
    return { action: 'create', reason: expired ? 'webhook expired' : 'webhook disabled' }
  }
  if ((webhook.notificationUrl ?? undefined) !== facts.notificationUrl) {
    return { action: 'create', reason: 'notification URL changed' }
  }
  return {
    action: 'keep',
    webhook,
    refresh: expiresMs !== undefined && expiresMs - facts.nowMs < facts.refreshMarginMs,
    enableNotifications: facts.notificationUrl !== undefined && !webhook.areNotificationsEnabled,
  }
}

/** Options of {@link ensureWebhook}. */
export interface EnsureWebhookOptions {
  db: Db
  airtable: AirtableClient
  baseId: string
  /** Where Airtable pings; undefined: no pings, airsync polls. */
  notificationUrl: string | undefined
  /** @default 4 days */
  refreshMarginMs?: number
  /** Replace the webhook even when Airtable lists it as healthy (it sent an error payload). */
  forceRecreate?: string | undefined
  signal?: AbortSignal | undefined
  /** @default Date.now */
  now?: () => number
}

/** What {@link ensureWebhook} did. */
export interface EnsureWebhookResult {
  webhookId: string
  /** Set when a webhook was created; the reason it was. */
  created: string | undefined
  refreshed: boolean
  /** The base now needs a full resync (payloads were missed). */
  needsResync: boolean
}

const DAY_MS = 86_400_000

/** Makes sure airsync's webhook exists and is healthy; see the module header. */
export async function ensureWebhook(options: EnsureWebhookOptions): Promise<EnsureWebhookResult> {
  const { db, airtable, baseId } = options
  const now = options.now ?? Date.now
  const call = { ...(options.signal !== undefined && { signal: options.signal }) }
  const state = await getBaseSyncState(db, baseId)
  const listed = await airtable.webhooks.list(baseId, call)
  const decision = decideWebhook({
    storedId: state?.webhookId,
    hasSecret: state?.webhookSecret !== undefined,
    listed,
    notificationUrl: options.notificationUrl,
    nowMs: now(),
    refreshMarginMs: options.refreshMarginMs ?? 4 * DAY_MS,
  })
  if (decision.action === 'create' || options.forceRecreate !== undefined) {
    const reason = decision.action === 'create' ? decision.reason : (options.forceRecreate ?? '')
    return createWebhook(options, { state, listed, reason })
  }
  const target = { baseId, webhookId: decision.webhook.id }
  let expirationTime = decision.webhook.expirationTime
  if (decision.refresh) {
    expirationTime = (await airtable.webhooks.refresh(target, call)).expirationTime
  }
  if (decision.enableNotifications) {
    await airtable.webhooks.enableNotifications(target, true, call)
  }
  await setBaseSyncState(db, baseId, { webhookExpiresAt: expirationTime })
  return {
    webhookId: decision.webhook.id,
    created: undefined,
    refreshed: decision.refresh,
    needsResync: state?.needsResync ?? false,
  }
}

async function createWebhook(
  options: EnsureWebhookOptions,
  context: { state: BaseSyncState | undefined; listed: readonly Webhook[]; reason: string },
): Promise<EnsureWebhookResult> {
  const { db, airtable, baseId } = options
  const call = { ...(options.signal !== undefined && { signal: options.signal }) }
  const old = context.listed.find((w) => w.id === context.state?.webhookId)
  if (old !== undefined) {
    // Ours, but unusable: free its slot (a base holds at most 10 webhooks). Best effort.
    await airtable.webhooks.delete({ baseId, webhookId: old.id }, call).catch(() => undefined)
  }
  const created = await airtable.webhooks.create(
    baseId,
    {
      ...(options.notificationUrl !== undefined && { notificationUrl: options.notificationUrl }),
      specification: AIRSYNC_WEBHOOK_SPECIFICATION,
    },
    call,
  )
  // Changes since the mirror's last sync that the old webhook recorded are not readable any more.
  const synced = context.state?.lastFullSyncAt !== undefined
  const needsResync = synced || (context.state?.needsResync ?? false)
  await setBaseSyncState(db, baseId, {
    webhookId: created.id,
    webhookSecret: created.macSecretBase64,
    webhookExpiresAt: created.expirationTime,
    webhookCursor: 1,
    needsResync,
    ...(synced && { resyncReason: context.reason }),
  })
  return { webhookId: created.id, created: context.reason, refreshed: false, needsResync }
}

/**
 * After payloads were lost: moves the stored cursor to the webhook's next payload and marks the
 * base for a resync, in one write. The resync then covers everything before that cursor.
 */
export async function skipLostPayloads(
  options: Pick<EnsureWebhookOptions, 'db' | 'airtable' | 'baseId' | 'signal'> & {
    webhookId: string
    reason: string
  },
): Promise<boolean> {
  const { db, airtable, baseId } = options
  const call = { ...(options.signal !== undefined && { signal: options.signal }) }
  const webhook = (await airtable.webhooks.list(baseId, call)).find(
    (w) => w.id === options.webhookId,
  )
  if (webhook === undefined) return false
  await setBaseSyncState(db, baseId, {
    webhookCursor: webhook.cursorForNextPayload,
    needsResync: true,
    resyncReason: options.reason,
  })
  return true
}
