/**
 * The webhooks API (airtable-api.md §7.1, §7.4): create, list, delete, refresh, enable
 * notifications, and payloads by cursor. Pings only say "something changed"; the changes are read
 * with {@link WebhooksClient.iteratePayloads} from the last cursor the caller stored.
 */
import { z } from 'zod'
import {
  MAX_WEBHOOK_PAYLOADS_PER_PAGE,
  createWebhookResponseSchema,
  listWebhookPayloadsResponseSchema,
  listWebhooksResponseSchema,
  refreshWebhookResponseSchema,
  type CreateWebhookRequest,
  type CreateWebhookResponse,
  type ListWebhookPayloadsResponse,
  type RefreshWebhookResponse,
  type Webhook,
} from '../protocol/webhooks.ts'
import { callOptionsOf, type CallOptions, type Transport } from './transport.ts'

/** Which webhook. */
export interface WebhookTarget {
  baseId: string
  webhookId: string
}

export interface ListPayloadsParams {
  /** @default 1 (the first payload; afterwards always pass the last returned cursor) */
  cursor?: number
  /** ≤ 50. @default Airtable's */
  limit?: number
}

/** Webhook endpoints. */
export interface WebhooksClient {
  /** The MAC secret is in this response only; store it. Not retried after an unknown outcome. */
  create(
    baseId: string,
    request: CreateWebhookRequest,
    options?: CallOptions,
  ): Promise<CreateWebhookResponse>
  list(baseId: string, options?: CallOptions): Promise<Webhook[]>
  delete(target: WebhookTarget, options?: CallOptions): Promise<void>
  /** Extends the webhook's life to 7 days from now. */
  refresh(target: WebhookTarget, options?: CallOptions): Promise<RefreshWebhookResponse>
  /** Turns pings on or off (after 13 failed pings Airtable turns them off itself, §7.3). */
  enableNotifications(target: WebhookTarget, enable: boolean, options?: CallOptions): Promise<void>
  /** One page of payloads from `cursor`. */
  listPayloads(
    target: WebhookTarget,
    params?: ListPayloadsParams,
    options?: CallOptions,
  ): Promise<ListWebhookPayloadsResponse>
  /**
   * Pages of payloads from `cursor` while `mightHaveMore` is true. Each page carries the cursor to
   * store once its payloads are processed, so pages (not single payloads) are yielded.
   */
  iteratePayloads(
    target: WebhookTarget,
    params?: ListPayloadsParams,
    options?: CallOptions,
  ): AsyncGenerator<ListWebhookPayloadsResponse>
}

const enc = encodeURIComponent
// Delete and enableNotifications may answer with an empty body or `{}` (§7.1 [?]).
const emptySchema = z.unknown()

/** Webhook endpoints over `transport`. */
export function createWebhooksClient(transport: Transport): WebhooksClient {
  const hooksPath = (baseId: string): string => `/v0/bases/${enc(baseId)}/webhooks`
  const hookPath = (t: WebhookTarget): string => `${hooksPath(t.baseId)}/${enc(t.webhookId)}`

  const listPayloads: WebhooksClient['listPayloads'] = (target, params = {}, options) => {
    const query = new URLSearchParams()
    if (params.cursor !== undefined) query.set('cursor', String(params.cursor))
    if (params.limit !== undefined) {
      query.set('limit', String(Math.min(params.limit, MAX_WEBHOOK_PAYLOADS_PER_PAGE)))
    }
    return transport.request({
      method: 'GET',
      path: `${hookPath(target)}/payloads`,
      query,
      endpoint: 'listWebhookPayloads',
      baseId: target.baseId,
      schema: listWebhookPayloadsResponseSchema,
      call: { priority: 'ingest', ...callOptionsOf(options) },
    })
  }

  return {
    create(baseId, request, options) {
      return transport.request({
        method: 'POST',
        path: hooksPath(baseId),
        body: request,
        endpoint: 'createWebhook',
        baseId,
        idempotent: false,
        schema: createWebhookResponseSchema,
        call: callOptionsOf(options),
      })
    },
    async list(baseId, options) {
      const response = await transport.request({
        method: 'GET',
        path: hooksPath(baseId),
        endpoint: 'listWebhooks',
        baseId,
        schema: listWebhooksResponseSchema,
        call: callOptionsOf(options),
      })
      return response.webhooks
    },
    async delete(target, options) {
      await transport.request({
        method: 'DELETE',
        path: hookPath(target),
        endpoint: 'deleteWebhook',
        baseId: target.baseId,
        schema: emptySchema,
        call: callOptionsOf(options),
      })
    },
    refresh(target, options) {
      return transport.request({
        method: 'POST',
        path: `${hookPath(target)}/refresh`,
        endpoint: 'refreshWebhook',
        baseId: target.baseId,
        // Refreshing twice only moves the expiry again.
        idempotent: true,
        schema: refreshWebhookResponseSchema,
        call: callOptionsOf(options),
      })
    },
    async enableNotifications(target, enable, options) {
      await transport.request({
        method: 'POST',
        path: `${hookPath(target)}/enableNotifications`,
        body: { enable },
        endpoint: 'enableWebhookNotifications',
        baseId: target.baseId,
        idempotent: true,
        schema: emptySchema,
        call: callOptionsOf(options),
      })
    },
    listPayloads,
    async *iteratePayloads(target, params = {}, options) {
      let cursor = params.cursor
      for (;;) {
        const next: ListPayloadsParams = {}
        if (cursor !== undefined) next.cursor = cursor
        if (params.limit !== undefined) next.limit = params.limit
        const page = await listPayloads(target, next, options)
        yield page
        if (!page.mightHaveMore) return
        cursor = page.cursor
      }
    },
  }
}
