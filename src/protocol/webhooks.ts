/**
 * Webhook wire shapes (airtable-api.md §7): the webhook object, its specification, the responses of
 * the webhook endpoints, the notification ping and the change payloads. Shared by the Airtable
 * client (which validates them), the server's ingest (which reads payloads) and the emulator (which
 * produces them). Types and schemas only, no logic.
 *
 * Payload keys are all optional and new ones may appear, so objects are loose and every
 * `created*` / `changed*` / `destroyed*` key is optional (§7.5). Cell values are V2 values keyed by
 * field ID and stay `unknown` here.
 */
import { z } from 'zod'

/** What a webhook watches (§7.2); only `dataTypes` is required. */
export const WEBHOOK_DATA_TYPES = ['tableData', 'tableFields', 'tableMetadata'] as const
export type WebhookDataType = (typeof WEBHOOK_DATA_TYPES)[number]

/** `actionMetadata.source` values known today; new ones may appear (§7.5). */
export const WEBHOOK_SOURCES = [
  'client',
  'publicApi',
  'formSubmission',
  'formPageSubmission',
  'automation',
  'system',
  'sync',
  'anonymousUser',
  'unknown',
] as const

export const webhookFiltersSchema = z.looseObject({
  dataTypes: z.array(z.enum(WEBHOOK_DATA_TYPES)),
  recordChangeScope: z.string().optional(),
  changeTypes: z.array(z.enum(['add', 'remove', 'update'])).optional(),
  fromSources: z.array(z.string()).optional(),
  sourceOptions: z
    .looseObject({
      formSubmission: z.object({ viewId: z.string() }).optional(),
      formPageSubmission: z.object({ pageId: z.string() }).optional(),
    })
    .optional(),
  watchDataInFieldIds: z.array(z.string()).optional(),
  watchSchemasOfFieldIds: z.array(z.string()).optional(),
})

export const webhookIncludesSchema = z.looseObject({
  includeCellValuesInFieldIds: z.union([z.array(z.string()), z.literal('all')]).optional(),
  includePreviousCellValues: z.boolean().optional(),
  includePreviousFieldDefinitions: z.boolean().optional(),
})

/** `specification` of a webhook: `{ options: { filters, includes? } }` (§7.2). */
export const webhookSpecificationSchema = z.object({
  options: z.looseObject({
    filters: webhookFiltersSchema,
    includes: webhookIncludesSchema.optional(),
  }),
})
export type WebhookSpecification = z.infer<typeof webhookSpecificationSchema>

/** Body of `POST /v0/bases/{baseId}/webhooks`. */
export const createWebhookRequestSchema = z.object({
  notificationUrl: z.string().optional(),
  specification: webhookSpecificationSchema,
})
export type CreateWebhookRequest = z.infer<typeof createWebhookRequestSchema>

/** Response of create: the MAC secret is shown only here (§7.1). */
export const createWebhookResponseSchema = z.looseObject({
  id: z.string(),
  macSecretBase64: z.string(),
  expirationTime: z.string().nullable(),
})
export type CreateWebhookResponse = z.infer<typeof createWebhookResponseSchema>

export const webhookNotificationResultSchema = z.looseObject({
  success: z.boolean(),
  completionTimestamp: z.string(),
  durationMs: z.number(),
  retryNumber: z.number(),
  willBeRetried: z.boolean().optional(),
  error: z.looseObject({ message: z.string() }).optional(),
})
export type WebhookNotificationResult = z.infer<typeof webhookNotificationResultSchema>

/** A webhook as `GET /v0/bases/{baseId}/webhooks` lists it (§7.1). */
export const webhookSchema = z.looseObject({
  id: z.string(),
  areNotificationsEnabled: z.boolean(),
  isHookEnabled: z.boolean(),
  cursorForNextPayload: z.number(),
  notificationUrl: z.string().nullish(),
  expirationTime: z.string().nullable(),
  lastSuccessfulNotificationTime: z.string().nullable().optional(),
  lastNotificationResult: webhookNotificationResultSchema.nullable().optional(),
  specification: webhookSpecificationSchema,
})
export type Webhook = z.infer<typeof webhookSchema>

export const listWebhooksResponseSchema = z.object({ webhooks: z.array(webhookSchema) })
export type ListWebhooksResponse = z.infer<typeof listWebhooksResponseSchema>

/** Response of `POST …/webhooks/{id}/refresh`. */
export const refreshWebhookResponseSchema = z.looseObject({
  expirationTime: z.string().nullable(),
})
export type RefreshWebhookResponse = z.infer<typeof refreshWebhookResponseSchema>

/** The ping Airtable POSTs to `notificationUrl`, signed by `X-Airtable-Content-MAC` (§7.3). */
export const webhookPingSchema = z.looseObject({
  base: z.object({ id: z.string() }),
  webhook: z.object({ id: z.string() }),
  timestamp: z.string(),
})
export type WebhookPing = z.infer<typeof webhookPingSchema>

/** Cells keyed by field ID, in V2 format. */
const cellValuesSchema = z.record(z.string(), z.unknown())
const cellsObjectSchema = z.looseObject({ cellValuesByFieldId: cellValuesSchema })

export const webhookCreatedRecordSchema = z.looseObject({
  createdTime: z.string(),
  cellValuesByFieldId: cellValuesSchema,
})

export const webhookChangedRecordSchema = z.looseObject({
  current: cellsObjectSchema,
  previous: cellsObjectSchema.optional(),
  unchanged: cellsObjectSchema.optional(),
})

const fieldDefinitionSchema = z.looseObject({
  name: z.string().optional(),
  type: z.string().optional(),
})

const recordChangesShape = {
  createdRecordsById: z.record(z.string(), webhookCreatedRecordSchema).optional(),
  changedRecordsById: z.record(z.string(), webhookChangedRecordSchema).optional(),
  destroyedRecordIds: z.array(z.string()).optional(),
}

/** What changed in one table in one payload (§7.5). */
export const webhookTableChangesSchema = z.looseObject({
  changedMetadata: z
    .looseObject({
      current: z.looseObject({ name: z.string().optional(), description: z.string().nullish() }),
      previous: z
        .looseObject({ name: z.string().optional(), description: z.string().nullish() })
        .optional(),
    })
    .optional(),
  createdFieldsById: z.record(z.string(), fieldDefinitionSchema).optional(),
  changedFieldsById: z
    .record(
      z.string(),
      z.looseObject({ current: fieldDefinitionSchema, previous: fieldDefinitionSchema.optional() }),
    )
    .optional(),
  destroyedFieldIds: z.array(z.string()).optional(),
  ...recordChangesShape,
  changedViewsById: z.record(z.string(), z.looseObject(recordChangesShape)).optional(),
})
export type WebhookTableChanges = z.infer<typeof webhookTableChangesSchema>

/** A table created in the transaction, with its fields and records. */
export const webhookCreatedTableSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), description: z.string().nullish() }).optional(),
  fieldsById: z.record(z.string(), fieldDefinitionSchema).optional(),
  recordsById: z.record(z.string(), webhookCreatedRecordSchema).optional(),
})

export const webhookActionMetadataSchema = z.looseObject({
  /** One of {@link WEBHOOK_SOURCES}, or a newer value. */
  source: z.string(),
  sourceMetadata: z
    .looseObject({
      user: z
        .looseObject({
          id: z.string(),
          email: z.string().optional(),
          permissionLevel: z.string().optional(),
          name: z.string().optional(),
          profilePicUrl: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
})

/** One change payload (§7.5); error payloads add `error: true` and a `code`. */
export const webhookPayloadSchema = z.looseObject({
  timestamp: z.string(),
  baseTransactionNumber: z.number(),
  payloadFormat: z.string(),
  actionMetadata: webhookActionMetadataSchema.optional(),
  changedTablesById: z.record(z.string(), webhookTableChangesSchema).optional(),
  createdTablesById: z.record(z.string(), webhookCreatedTableSchema).optional(),
  destroyedTableIds: z.array(z.string()).optional(),
  error: z.boolean().optional(),
  /** `INVALID_FILTERS` | `INVALID_HOOK` | `INTERNAL_ERROR`, more may be added. */
  code: z.string().optional(),
})
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>

/** Response of `GET …/webhooks/{id}/payloads?cursor=&limit=` (§7.4). */
export const listWebhookPayloadsResponseSchema = z.looseObject({
  cursor: z.number(),
  mightHaveMore: z.boolean(),
  payloads: z.array(webhookPayloadSchema),
})
export type ListWebhookPayloadsResponse = z.infer<typeof listWebhookPayloadsResponseSchema>

/** Most payloads one list call may return (§7.4). */
export const MAX_WEBHOOK_PAYLOADS_PER_PAGE = 50
