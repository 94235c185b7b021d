/**
 * Emulated Airtable webhooks (airtable-api.md §7): a hub of per-base registries fed by the bases'
 * transactions, the `/v0` webhooks API and `/__emulator` test controls as Hono sub-apps.
 *
 * @example
 * const hub = createWebhookHub({ clock })
 * hub.attach(webhookBaseOf(base))
 * app.route('/v0', createWebhookRoutes({ hub }))
 * app.route('/__emulator', createWebhookControlRoutes({ hub }))
 */
export {
  createWebhookHub,
  WebhookHub,
  webhookHubSnapshotSchema,
  type WebhookHubSnapshot,
} from './hub.ts'
export type { WebhookHubOptions } from './options.ts'
export type { WebhookBase } from './base-port.ts'
export { webhookBaseOf } from './adapt-base.ts'
export { WebhookRegistry, type RegistrySnapshot } from './registry.ts'
export { createWebhookRoutes, type WebhookRoutesDeps } from './routes.ts'
export { createWebhookControlRoutes } from './control-routes.ts'
export { contentMac } from './mac.ts'
export { realTimers, ManualTimers, type Timers, type TimerHandle } from './timers.ts'
export type { FetchLike } from './notifier.ts'
export type { WebhookPayload } from './payload-types.ts'
