/**
 * The webhook specification and create-webhook body (airtable-api.md §7.1, §7.2), validated with
 * zod at the HTTP boundary. Only `filters.dataTypes` is required; every reference is an ID.
 */
import { z } from 'zod'

export const DATA_TYPES = ['tableData', 'tableFields', 'tableMetadata'] as const
export type DataType = (typeof DATA_TYPES)[number]

export const CHANGE_TYPES = ['add', 'remove', 'update'] as const
export type ChangeType = (typeof CHANGE_TYPES)[number]

export const SOURCES = [
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

export const webhookFiltersSchema = z.object({
  dataTypes: z.array(z.enum(DATA_TYPES)).min(1),
  /** A table ID or a view ID; absent = the whole base. */
  recordChangeScope: z
    .string()
    .regex(/^(tbl|viw)[A-Za-z0-9]{14}$/)
    .optional(),
  changeTypes: z.array(z.enum(CHANGE_TYPES)).min(1).optional(),
  fromSources: z.array(z.enum(SOURCES)).min(1).optional(),
  sourceOptions: z
    .object({
      formSubmission: z.object({ viewId: z.string() }).optional(),
      formPageSubmission: z.object({ pageId: z.string() }).optional(),
    })
    .optional(),
  watchDataInFieldIds: z.array(z.string()).min(1).optional(),
  watchSchemasOfFieldIds: z.array(z.string()).min(1).optional(),
})
export type WebhookFilters = z.infer<typeof webhookFiltersSchema>

export const webhookIncludesSchema = z.object({
  includeCellValuesInFieldIds: z.union([z.literal('all'), z.array(z.string())]).optional(),
  includePreviousCellValues: z.boolean().optional(),
  includePreviousFieldDefinitions: z.boolean().optional(),
})
export type WebhookIncludes = z.infer<typeof webhookIncludesSchema>

export const webhookSpecificationSchema = z.object({
  options: z.object({
    filters: webhookFiltersSchema,
    includes: webhookIncludesSchema.optional(),
  }),
})
/** `specification` as sent at creation and echoed by list webhooks. */
export type WebhookSpecification = z.infer<typeof webhookSpecificationSchema>

/** `POST /v0/bases/{baseId}/webhooks` body. */
export const createWebhookBodySchema = z.object({
  notificationUrl: z.url().nullable().optional(),
  specification: webhookSpecificationSchema,
})
export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>

/** `POST …/enableNotifications` body. */
export const enableNotificationsBodySchema = z.object({ enable: z.boolean() })
