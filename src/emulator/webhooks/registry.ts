/**
 * The webhooks of one base: create/list/delete/refresh/enable, payloads from the base's
 * transactions, cursor paging, expiry and retention, and the test controls (expire now, drop
 * payloads). Invariants: payload numbers per webhook start at 1 and never repeat; an expired or
 * broken webhook stores no payloads; expired webhooks and old payloads are pruned lazily.
 */
import { newId } from '../../protocol/ids.ts'
import type { Table } from '../../protocol/schema.ts'
import { EmulatorError, type BaseTransaction } from '../state/types.ts'
import type { WebhookBase } from './base-port.ts'
import { actionMetadataOf, buildPayload, type ResolvedScope } from './build-payload.ts'
import { Notifier } from './notifier.ts'
import type { ResolvedHubOptions } from './options.ts'
import { pagePayloads, type PayloadPage } from './paging.ts'
import type { WebhookPayload } from './payload-types.ts'
import type { PayloadContext } from './record-changes.ts'
import { filterProblem, tableOfView } from './scope.ts'
import type { CreateWebhookBody } from './spec.ts'
import { isHookEnabled, viewOf, type WebhookState, type WebhookView } from './webhook-state.ts'

interface Entry {
  state: WebhookState
  notifier: Notifier
  /** For a view scope: the records in the view after the last transaction. */
  viewMembers?: Set<string>
}

/** What `snapshot()` returns and `restore()` takes: plain JSON. */
export interface RegistrySnapshot {
  webhooks: Array<WebhookState & { viewMemberIds?: string[] }>
}

export class WebhookRegistry {
  #base: WebhookBase
  readonly #options: ResolvedHubOptions
  readonly #entries = new Map<string, Entry>()
  #unsubscribe: () => void

  constructor(base: WebhookBase, options: ResolvedHubOptions) {
    this.#base = base
    this.#options = options
    this.#unsubscribe = base.subscribe((tx) => this.#onTransaction(tx))
  }

  /**
   * Follows a base that was replaced under the same ID (reset, restore from disk): webhooks and
   * their payloads stay, view memberships are taken afresh.
   */
  rebind(base: WebhookBase): void {
    this.#unsubscribe()
    this.#base = base
    this.#unsubscribe = base.subscribe((tx) => this.#onTransaction(tx))
    for (const entry of this.#entries.values()) {
      const scope = entry.state.specification.options.filters.recordChangeScope
      if (scope?.startsWith('viw') === true) entry.viewMembers = this.#viewMembers(scope)
    }
  }

  get baseId(): string {
    return this.#base.id
  }

  /** `POST /v0/bases/{baseId}/webhooks`. */
  create(body: CreateWebhookBody): { id: string; macSecretBase64: string; expirationTime: string } {
    const nowMs = this.#prune()
    if (this.#entries.size >= this.#options.maxWebhooksPerBase) {
      throw new EmulatorError({
        type: 'TOO_MANY_WEBHOOKS',
        message: `A base can have at most ${this.#options.maxWebhooksPerBase} webhooks`,
      })
    }
    const problem = filterProblem(body.specification, this.#base.tables())
    if (problem !== undefined) {
      throw new EmulatorError({
        type: 'INVALID_REQUEST_UNKNOWN',
        message: `Invalid specification: ${problem}`,
      })
    }
    const state: WebhookState = {
      id: newId('ach'),
      macSecretBase64: this.#options.newSecret(),
      notificationUrl: body.notificationUrl ?? null,
      specification: body.specification,
      createdMs: nowMs,
      expirationMs: nowMs + this.#options.lifetimeMs,
      areNotificationsEnabled: true,
      broken: false,
      lastNotificationResult: null,
      lastSuccessfulNotificationTime: null,
      nextPayloadNumber: 1,
      payloads: [],
    }
    const entry = this.#add(state)
    const scope = body.specification.options.filters.recordChangeScope
    if (scope?.startsWith('viw') === true) entry.viewMembers = this.#viewMembers(scope)
    // Airtable pings shortly after creation (§7.1), with no payload behind it.
    entry.notifier.notify()
    return {
      id: state.id,
      macSecretBase64: state.macSecretBase64,
      expirationTime: new Date(state.expirationMs).toISOString(),
    }
  }

  /** `GET /v0/bases/{baseId}/webhooks`. */
  list(): { webhooks: WebhookView[] } {
    const nowMs = this.#prune()
    return { webhooks: [...this.#entries.values()].map((e) => viewOf(e.state, nowMs)) }
  }

  /** One webhook's wire view. */
  get(webhookId: string): WebhookView {
    return viewOf(this.#entry(webhookId).state, this.#prune())
  }

  /** `DELETE …/{webhookId}`. */
  delete(webhookId: string): void {
    this.#entry(webhookId).notifier.stop()
    this.#entries.delete(webhookId)
  }

  /** `POST …/enableNotifications`. */
  enableNotifications(webhookId: string, enable: boolean): void {
    const entry = this.#entry(webhookId)
    entry.state.areNotificationsEnabled = enable
    if (!enable) entry.notifier.stop()
  }

  /** `POST …/refresh`: only an active webhook can be refreshed (§7.6). */
  refresh(webhookId: string): { expirationTime: string } {
    const entry = this.#entry(webhookId)
    const nowMs = this.#options.clock.now()
    if (!isHookEnabled(entry.state, nowMs)) {
      // The error type for refreshing an expired webhook is undocumented. [?]
      throw new EmulatorError({
        type: 'INVALID_REQUEST_UNKNOWN',
        message: `Webhook ${webhookId} is not enabled and cannot be refreshed`,
      })
    }
    entry.state.expirationMs = nowMs + this.#options.lifetimeMs
    return { expirationTime: new Date(entry.state.expirationMs).toISOString() }
  }

  /** `GET …/payloads?cursor=&limit=`; also extends an active webhook's life (§7.4). */
  listPayloads(webhookId: string, request: { cursor?: number; limit?: number }): PayloadPage {
    const entry = this.#entry(webhookId)
    const nowMs = this.#options.clock.now()
    const max = this.#options.maxPayloadsPerPage
    const limit = request.limit ?? max
    const cursor = request.cursor ?? 1
    if (!Number.isInteger(limit) || limit < 1 || limit > max) {
      throw new EmulatorError({
        type: 'INVALID_REQUEST_UNKNOWN',
        message: `limit must be an integer between 1 and ${max}`,
      })
    }
    if (!Number.isInteger(cursor) || cursor < 1) {
      throw new EmulatorError({
        type: 'INVALID_REQUEST_UNKNOWN',
        message: 'cursor must be a positive integer',
      })
    }
    if (isHookEnabled(entry.state, nowMs))
      entry.state.expirationMs = nowMs + this.#options.lifetimeMs
    const { state } = entry
    return pagePayloads(state.payloads, {
      cursor,
      limit,
      nextPayloadNumber: state.nextPayloadNumber,
    })
  }

  /** Test control: the webhook expires now (no more payloads, refresh refused). */
  expireNow(webhookId: string): void {
    const entry = this.#entry(webhookId)
    entry.state.expirationMs = this.#options.clock.now()
    entry.notifier.stop()
  }

  /**
   * Test control: deletes stored payloads numbered below `beforeNumber` (all when absent), as
   * retention would, so a client's cursor points at payloads that are gone.
   */
  dropPayloads(webhookId: string, beforeNumber?: number): { dropped: number } {
    const { state } = this.#entry(webhookId)
    const limit = beforeNumber ?? Number.POSITIVE_INFINITY
    const before = state.payloads.length
    state.payloads = state.payloads.filter((p) => p.number >= limit)
    return { dropped: before - state.payloads.length }
  }

  /** The secret of a webhook, for tests that lost it (Airtable shows it only once). */
  secretOf(webhookId: string): string {
    return this.#entry(webhookId).state.macSecretBase64
  }

  snapshot(): RegistrySnapshot {
    return {
      webhooks: [...this.#entries.values()].map((e) => {
        const copy = structuredClone(e.state)
        return e.viewMembers === undefined ? copy : { ...copy, viewMemberIds: [...e.viewMembers] }
      }),
    }
  }

  /** Replaces every webhook with the snapshot's; no ping is sent for restored ones. */
  restore(snapshot: RegistrySnapshot): void {
    for (const entry of this.#entries.values()) entry.notifier.stop()
    this.#entries.clear()
    for (const { viewMemberIds, ...state } of structuredClone(snapshot.webhooks)) {
      const entry = this.#add(state)
      if (viewMemberIds !== undefined) entry.viewMembers = new Set(viewMemberIds)
    }
  }

  /** Stops listening to the base and cancels every timer. */
  close(): void {
    this.#unsubscribe()
    for (const entry of this.#entries.values()) entry.notifier.stop()
  }

  #add(state: WebhookState): Entry {
    const notifier = new Notifier(this.#base.id, state, {
      timeoutMs: this.#options.pingTimeoutMs,
      coalesceMs: this.#options.pingCoalesceMs,
      firstRetryDelayMs: this.#options.pingFirstRetryDelayMs,
      maxRetries: this.#options.pingMaxRetries,
      clock: this.#options.clock,
      timers: this.#options.timers,
      fetch: this.#options.fetch,
    })
    const entry: Entry = { state, notifier }
    this.#entries.set(state.id, entry)
    return entry
  }

  #entry(webhookId: string): Entry {
    this.#prune()
    const entry = this.#entries.get(webhookId)
    if (entry === undefined) {
      // Airtable's answer for an unknown webhook ID is undocumented. [?]
      throw new EmulatorError({ type: 'NOT_FOUND', message: `Could not find webhook ${webhookId}` })
    }
    return entry
  }

  /** Drops old payloads and long-expired webhooks; returns now. */
  #prune(): number {
    const nowMs = this.#options.clock.now()
    const { payloadRetentionMs, expiredRetentionMs } = this.#options
    for (const [id, entry] of this.#entries) {
      const { state } = entry
      if (nowMs >= state.expirationMs + expiredRetentionMs) {
        entry.notifier.stop()
        this.#entries.delete(id)
        continue
      }
      if (state.payloads.length > 0 && nowMs >= state.payloads[0]!.storedMs + payloadRetentionMs) {
        state.payloads = state.payloads.filter((p) => nowMs < p.storedMs + payloadRetentionMs)
      }
    }
    return nowMs
  }

  #viewMembers(viewId: string): Set<string> {
    const table = tableOfView(this.#base.tables(), viewId)
    return table === undefined ? new Set() : new Set(this.#base.recordIdsInView(table.id, viewId))
  }

  #onTransaction(tx: BaseTransaction): void {
    if (this.#entries.size === 0) return
    const nowMs = this.#prune()
    const tables = this.#base.tables()
    const ctx = this.#context(tables)
    for (const entry of this.#entries.values()) {
      const { state } = entry
      if (!isHookEnabled(state, nowMs)) {
        entry.notifier.stop()
        continue
      }
      if (filterProblem(state.specification, tables) !== undefined) {
        state.broken = true
        this.#append(entry, { ...this.#envelope(tx), error: true, code: 'INVALID_FILTERS' })
        continue
      }
      const scope = this.#scope(entry, tx, tables)
      const payload = buildPayload(tx, state.specification, { ctx, scope })
      if (scope.kind === 'view') entry.viewMembers = new Set(scope.after)
      if (payload !== undefined) this.#append(entry, payload)
    }
  }

  #envelope(tx: BaseTransaction): WebhookPayload {
    return {
      timestamp: tx.timestamp,
      baseTransactionNumber: tx.baseTransactionNumber,
      payloadFormat: 'v0',
      actionMetadata: actionMetadataOf(tx),
    }
  }

  #scope(entry: Entry, tx: BaseTransaction, tables: readonly Table[]): ResolvedScope {
    const scope = entry.state.specification.options.filters.recordChangeScope
    if (scope === undefined) return { kind: 'base' }
    if (!scope.startsWith('viw')) return { kind: 'table', tableId: scope }
    const tableId = tableOfView(tables, scope)?.id ?? ''
    const before = entry.viewMembers ?? new Set<string>()
    // Only a write to the view's table can move records in or out of it.
    const after = tx.tables.has(tableId)
      ? new Set(this.#base.recordIdsInView(tableId, scope))
      : before
    return { kind: 'view', tableId, viewId: scope, before, after }
  }

  #context(tables: readonly Table[]): PayloadContext {
    const byId = new Map(tables.map((t) => [t.id, t]))
    return {
      table: (id) => byId.get(id),
      cells: (tableId, recordId) => this.#base.record(tableId, recordId)?.cells,
      createdTime: (tableId, recordId) => this.#base.record(tableId, recordId)?.createdTime,
    }
  }

  #append(entry: Entry, payload: WebhookPayload): void {
    const { state } = entry
    state.payloads.push({
      number: state.nextPayloadNumber,
      storedMs: this.#options.clock.now(),
      payload,
    })
    state.nextPayloadNumber++
    entry.notifier.notify()
  }
}
