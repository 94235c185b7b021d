/**
 * The emulator's webhooks across bases: one {@link WebhookRegistry} per attached base, shared
 * options (clock, timers, fetch, lifetimes), snapshot/restore for persistence and `close()`.
 */
import { z } from 'zod'
import type { WebhookBase } from './base-port.ts'
import { resolveHubOptions, type ResolvedHubOptions, type WebhookHubOptions } from './options.ts'
import { WebhookRegistry, type RegistrySnapshot } from './registry.ts'

/** Webhooks of every base, as plain JSON. */
export interface WebhookHubSnapshot {
  version: 1
  bases: Record<string, RegistrySnapshot>
}

const storedWebhookSchema = z.looseObject({
  id: z.string(),
  macSecretBase64: z.string(),
  notificationUrl: z.string().nullable(),
  specification: z.looseObject({ options: z.looseObject({ filters: z.looseObject({}) }) }),
  createdMs: z.number(),
  expirationMs: z.number(),
  areNotificationsEnabled: z.boolean(),
  broken: z.boolean(),
  lastNotificationResult: z.looseObject({}).nullable(),
  lastSuccessfulNotificationTime: z.string().nullable(),
  nextPayloadNumber: z.number().int().min(1),
  payloads: z.array(
    z.object({ number: z.number(), storedMs: z.number(), payload: z.looseObject({}) }),
  ),
  viewMemberIds: z.array(z.string()).optional(),
})

/** Checks the shape of a snapshot read from disk (a trust boundary). */
export const webhookHubSnapshotSchema = z.object({
  version: z.literal(1),
  bases: z.record(z.string(), z.object({ webhooks: z.array(storedWebhookSchema) })),
})

export class WebhookHub {
  readonly options: ResolvedHubOptions
  readonly #registries = new Map<string, WebhookRegistry>()

  constructor(options: WebhookHubOptions = {}) {
    this.options = resolveHubOptions(options)
  }

  /** Starts watching a base; a base replaced under the same ID keeps its webhooks. */
  attach(base: WebhookBase): WebhookRegistry {
    const existing = this.#registries.get(base.id)
    if (existing !== undefined) {
      existing.rebind(base)
      return existing
    }
    const registry = new WebhookRegistry(base, this.options)
    this.#registries.set(base.id, registry)
    return registry
  }

  /** Stops watching a base and forgets its webhooks. */
  detach(baseId: string): void {
    this.#registries.get(baseId)?.close()
    this.#registries.delete(baseId)
  }

  /** The webhooks of a base, or undefined when the base is not attached. */
  registry(baseId: string): WebhookRegistry | undefined {
    return this.#registries.get(baseId)
  }

  snapshot(): WebhookHubSnapshot {
    const bases: Record<string, RegistrySnapshot> = {}
    for (const [id, registry] of this.#registries) bases[id] = registry.snapshot()
    return { version: 1, bases }
  }

  /**
   * Restores the webhooks of attached bases from a snapshot (validated); bases not attached yet
   * are ignored, so attach every base first.
   */
  restore(snapshot: unknown): void {
    const parsed = webhookHubSnapshotSchema.parse(snapshot)
    for (const [id, registrySnapshot] of Object.entries(parsed.bases)) {
      // The loose schema checked the envelope; the states are what snapshot() wrote.
      this.#registries.get(id)?.restore(registrySnapshot as unknown as RegistrySnapshot)
    }
  }

  /** Cancels every timer and stops listening to every base. */
  close(): void {
    for (const registry of this.#registries.values()) registry.close()
  }

  [Symbol.dispose](): void {
    this.close()
  }
}

/** Creates the webhook hub of an emulator. */
export function createWebhookHub(options: WebhookHubOptions = {}): WebhookHub {
  return new WebhookHub(options)
}
