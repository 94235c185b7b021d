/** The state the emulator keeps per webhook, and its wire view in list webhooks (§7.1). */
import type { WebhookPayload } from './payload-types.ts'
import type { WebhookSpecification } from './spec.ts'

/** `lastNotificationResult` as list webhooks shows it. */
export interface NotificationResult {
  success: boolean
  completionTimestamp: string
  durationMs: number
  retryNumber: number
  willBeRetried?: boolean
  error?: { message: string }
}

export interface StoredPayload {
  /** Per-webhook number, from 1, never reused. */
  number: number
  /** Epoch ms when the payload was stored; retention counts from here. */
  storedMs: number
  payload: WebhookPayload
}

export interface WebhookState {
  id: string
  macSecretBase64: string
  notificationUrl: string | null
  specification: WebhookSpecification
  createdMs: number
  expirationMs: number
  areNotificationsEnabled: boolean
  /** A filter became invalid: an error payload was emitted and the hook is off for good. */
  broken: boolean
  lastNotificationResult: NotificationResult | null
  lastSuccessfulNotificationTime: string | null
  nextPayloadNumber: number
  payloads: StoredPayload[]
}

/** The webhook object of list webhooks. */
export interface WebhookView {
  id: string
  areNotificationsEnabled: boolean
  isHookEnabled: boolean
  cursorForNextPayload: number
  notificationUrl: string | null
  expirationTime: string | null
  lastSuccessfulNotificationTime: string | null
  lastNotificationResult: NotificationResult | null
  specification: WebhookSpecification
}

/** True while the webhook records payloads: not expired, not broken. */
export function isHookEnabled(hook: WebhookState, nowMs: number): boolean {
  return !hook.broken && nowMs < hook.expirationMs
}

/** The wire view of a webhook. */
export function viewOf(hook: WebhookState, nowMs: number): WebhookView {
  return {
    id: hook.id,
    areNotificationsEnabled: hook.areNotificationsEnabled,
    isHookEnabled: isHookEnabled(hook, nowMs),
    cursorForNextPayload: hook.nextPayloadNumber,
    notificationUrl: hook.notificationUrl,
    expirationTime: new Date(hook.expirationMs).toISOString(),
    lastSuccessfulNotificationTime: hook.lastSuccessfulNotificationTime,
    lastNotificationResult: hook.lastNotificationResult,
    specification: hook.specification,
  }
}
