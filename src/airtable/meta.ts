/**
 * The metadata API (airtable-api.md §6) and whoami (§0). Responses are validated with the schemas
 * of src/protocol/schema.ts.
 */
import { z } from 'zod'
import {
  baseSchemaResponseSchema,
  fieldSchema,
  listBasesResponseSchema,
  tableSchema,
  type BaseSchema,
  type Field,
  type FieldOptions,
  type ListBasesResponse,
  type Table,
} from '../protocol/schema.ts'
import { callOptionsOf, type CallOptions, type Transport } from './transport.ts'

/** A base as list bases returns it. */
export type BaseSummary = ListBasesResponse['bases'][number]

/** The fields of a new field: `POST …/fields`, or one entry of a new table's `fields`. */
export interface FieldConfig {
  name: string
  type: string
  description?: string
  options?: FieldOptions
}

export interface CreateTableInput {
  name: string
  description?: string
  /** At least one; the first becomes the primary field. */
  fields: FieldConfig[]
}

export interface UpdateTableInput {
  name?: string
  description?: string
}

export interface UpdateFieldInput {
  name?: string
  description?: string
  options?: FieldOptions
}

export const whoamiResponseSchema = z.looseObject({
  id: z.string(),
  scopes: z.array(z.string()).optional(),
  email: z.string().optional(),
})
/** `GET /v0/meta/whoami`: `scopes` only for OAuth, `email` only with `user.email:read`. */
export type WhoamiResponse = z.infer<typeof whoamiResponseSchema>

/** Metadata endpoints. */
export interface MetaClient {
  /** One page of bases (1,000 per page). */
  listBasesPage(offset?: string, options?: CallOptions): Promise<ListBasesResponse>
  /** Every base, following `offset`. */
  listBases(options?: CallOptions): Promise<BaseSummary[]>
  getBaseSchema(
    baseId: string,
    options?: CallOptions & { includeVisibleFieldIds?: boolean },
  ): Promise<BaseSchema>
  createTable(baseId: string, input: CreateTableInput, options?: CallOptions): Promise<Table>
  updateTable(
    target: { baseId: string; tableIdOrName: string },
    input: UpdateTableInput,
    options?: CallOptions,
  ): Promise<Table>
  createField(
    target: { baseId: string; tableId: string },
    input: FieldConfig,
    options?: CallOptions,
  ): Promise<Field>
  updateField(
    target: { baseId: string; tableId: string; fieldId: string },
    input: UpdateFieldInput,
    options?: CallOptions,
  ): Promise<Field>
  whoami(options?: CallOptions): Promise<WhoamiResponse>
}

const enc = encodeURIComponent

/** Metadata endpoints over `transport`. */
export function createMetaClient(transport: Transport): MetaClient {
  const tablesPath = (baseId: string): string => `/v0/meta/bases/${enc(baseId)}/tables`

  const listBasesPage: MetaClient['listBasesPage'] = (offset, options) => {
    const query = new URLSearchParams()
    if (offset !== undefined) query.set('offset', offset)
    return transport.request({
      method: 'GET',
      path: '/v0/meta/bases',
      query,
      endpoint: 'listBases',
      schema: listBasesResponseSchema,
      call: callOptionsOf(options),
    })
  }

  return {
    listBasesPage,
    async listBases(options) {
      const bases: BaseSummary[] = []
      let offset: string | undefined
      do {
        const page = await listBasesPage(offset, options)
        bases.push(...page.bases)
        offset = page.offset
      } while (offset !== undefined)
      return bases
    },
    getBaseSchema(baseId, options) {
      const query = new URLSearchParams()
      if (options?.includeVisibleFieldIds === true) query.append('include[]', 'visibleFieldIds')
      return transport.request({
        method: 'GET',
        path: tablesPath(baseId),
        query,
        endpoint: 'getBaseSchema',
        baseId,
        schema: baseSchemaResponseSchema,
        call: callOptionsOf(options),
      })
    },
    createTable(baseId, input, options) {
      return transport.request({
        method: 'POST',
        path: tablesPath(baseId),
        body: input,
        endpoint: 'createTable',
        baseId,
        schema: tableSchema,
        call: callOptionsOf(options),
      })
    },
    updateTable(target, input, options) {
      return transport.request({
        method: 'PATCH',
        path: `${tablesPath(target.baseId)}/${enc(target.tableIdOrName)}`,
        body: input,
        endpoint: 'updateTable',
        baseId: target.baseId,
        schema: tableSchema,
        call: callOptionsOf(options),
      })
    },
    createField(target, input, options) {
      return transport.request({
        method: 'POST',
        path: `${tablesPath(target.baseId)}/${enc(target.tableId)}/fields`,
        body: input,
        endpoint: 'createField',
        baseId: target.baseId,
        schema: fieldSchema,
        call: callOptionsOf(options),
      })
    },
    updateField(target, input, options) {
      return transport.request({
        method: 'PATCH',
        path: `${tablesPath(target.baseId)}/${enc(target.tableId)}/fields/${enc(target.fieldId)}`,
        body: input,
        endpoint: 'updateField',
        baseId: target.baseId,
        schema: fieldSchema,
        call: callOptionsOf(options),
      })
    },
    whoami(options) {
      return transport.request({
        method: 'GET',
        path: '/v0/meta/whoami',
        endpoint: 'whoami',
        schema: whoamiResponseSchema,
        call: callOptionsOf(options),
      })
    },
  }
}
