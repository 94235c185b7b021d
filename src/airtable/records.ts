/**
 * The records API of one table (airtable-api.md §2), generic over the table's fields so generated
 * types flow through. Writes are chunked by ten and sent in order; list pages are followed by
 * offset; long list queries switch to POST `listRecords` by themselves.
 */
import { z } from 'zod'
import {
  airtableRecordSchema,
  deletedRecordSchema,
  listRecordsResponseSchema,
  type AirtableRecord,
  type DeletedRecord,
  type Fields,
  type ListRecordsResponse,
  type UpsertResponse,
} from '../protocol/records.ts'
import { runChunks } from './batch.ts'
import { AirtableError } from './errors.ts'
import { planList, type FieldKey, type ListParams } from './list-query.ts'
import { callOptionsOf, type CallOptions, type Transport } from './transport.ts'

/** Field values as a write sends them: omitted = untouched, `null` = cleared (PATCH). */
export type WritableFields<TFields extends Fields> = { [K in keyof TFields]?: TFields[K] | null }

export interface WriteOptions extends CallOptions {
  /** Let Airtable convert strings and create select options (§2.10). @default false */
  typecast?: boolean
  returnFieldsByFieldId?: boolean
}

export interface CreateOptions extends WriteOptions {
  /**
   * Re-send a create after a failure that may have been applied (timeout, reset, 5xx). Airtable
   * has no idempotency keys, so this can create duplicates; by default such failures throw an
   * `AirtableError` with `outcomeUnknown: true` for the caller to reconcile. @default false
   */
  retryUnsafe?: boolean
}

export interface UpdateOptions extends WriteOptions {
  /** PUT: clear every editable field not listed (§2.7). @default false (PATCH, merge) */
  destructive?: boolean
}

export interface UpsertOptions<TFields extends Fields> extends UpdateOptions {
  /** 1–3 field names or IDs forming the external key (§2.8). */
  fieldsToMergeOn: readonly FieldKey<TFields>[]
}

export interface GetOptions extends CallOptions {
  cellFormat?: 'json' | 'string'
  timeZone?: string
  userLocale?: string
  returnFieldsByFieldId?: boolean
}

export interface IterateOptions extends CallOptions {
  /**
   * When an offset expires (422 `LIST_RECORDS_ITERATOR_NOT_AVAILABLE`, §2.4), start again from the
   * first page instead of throwing; the next page yielded has `restarted: true`, so the consumer
   * can drop what it collected. @default false
   */
  restartOnExpiredOffset?: boolean
  /** Restarts allowed before the error is thrown anyway. @default 3 */
  maxRestarts?: number
}

/** One page of records, as {@link TableClient.iterate} yields it. */
export interface RecordPage<TFields extends Fields> extends ListRecordsResponse<TFields> {
  /** True on the first page after an expired offset restarted the listing. */
  restarted: boolean
}

/** The records of one table. */
export interface TableClient<TFields extends Fields = Fields> {
  readonly baseId: string
  readonly tableIdOrName: string
  /** One page. */
  list(params?: ListParams<TFields>, options?: CallOptions): Promise<ListRecordsResponse<TFields>>
  /** Every page, following `offset`. */
  iterate(
    params?: ListParams<TFields>,
    options?: IterateOptions,
  ): AsyncGenerator<RecordPage<TFields>>
  /** Every record of every page. */
  all(params?: ListParams<TFields>, options?: IterateOptions): Promise<AirtableRecord<TFields>[]>
  get(recordId: string, options?: GetOptions): Promise<AirtableRecord<TFields>>
  /** Creates records, ten per request, and returns them in the order given. */
  create(
    records: readonly { fields: WritableFields<TFields> }[],
    options?: CreateOptions,
  ): Promise<AirtableRecord<TFields>[]>
  /** PATCH (or PUT with `destructive`) records, ten per request. */
  update(
    records: readonly { id: string; fields: WritableFields<TFields> }[],
    options?: UpdateOptions,
  ): Promise<AirtableRecord<TFields>[]>
  /** Creates or updates by `fieldsToMergeOn`, ten per request. */
  upsert(
    records: readonly { id?: string; fields: WritableFields<TFields> }[],
    options: UpsertOptions<TFields>,
  ): Promise<UpsertResponse<TFields>>
  /** Deletes records, ten per request. */
  delete(recordIds: readonly string[], options?: CallOptions): Promise<DeletedRecord[]>
}

const recordsResponseSchema = z.object({ records: z.array(airtableRecordSchema) })
const upsertResponseSchema = z.object({
  records: z.array(airtableRecordSchema),
  createdRecords: z.array(z.string()),
  updatedRecords: z.array(z.string()),
})
const deleteResponseSchema = z.object({ records: z.array(deletedRecordSchema) })

function writeFlags(options: WriteOptions | undefined): Record<string, unknown> {
  const flags: Record<string, unknown> = {}
  if (options?.typecast !== undefined) flags['typecast'] = options.typecast
  if (options?.returnFieldsByFieldId !== undefined) {
    flags['returnFieldsByFieldId'] = options.returnFieldsByFieldId
  }
  return flags
}

/** The records API of `tableIdOrName` in `baseId`. */
export function createTableClient<TFields extends Fields = Fields>(
  transport: Transport,
  target: { baseId: string; tableIdOrName: string },
): TableClient<TFields> {
  const { baseId, tableIdOrName } = target
  const tablePath = `/v0/${encodeURIComponent(baseId)}/${encodeURIComponent(tableIdOrName)}`
  type Rec = AirtableRecord<TFields>
  // Record fields are validated as `Record<string, unknown>`; TFields is the caller's promise.
  const asRecords = (records: z.infer<typeof airtableRecordSchema>[]): Rec[] => records as Rec[]

  async function list(
    params: ListParams<TFields> = {},
    options?: CallOptions,
  ): Promise<ListRecordsResponse<TFields>> {
    const plan = planList(tablePath, params)
    const response = await transport.request({
      ...plan,
      endpoint: 'listRecords',
      baseId,
      isWrite: false,
      idempotent: true,
      schema: listRecordsResponseSchema,
      call: callOptionsOf(options),
    })
    const page: ListRecordsResponse<TFields> = { records: asRecords(response.records) }
    if (response.offset !== undefined) page.offset = response.offset
    return page
  }

  async function* iterate(
    params: ListParams<TFields> = {},
    options: IterateOptions = {},
  ): AsyncGenerator<RecordPage<TFields>> {
    let restarts = 0
    let restarted = false
    let offset = params.offset
    for (;;) {
      let page: ListRecordsResponse<TFields>
      try {
        page = await list(offset === undefined ? params : { ...params, offset }, options)
      } catch (error) {
        const expired =
          error instanceof AirtableError && error.type === 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE'
        if (!expired || options.restartOnExpiredOffset !== true) throw error
        if (restarts >= (options.maxRestarts ?? 3)) throw error
        restarts++
        restarted = true
        offset = params.offset
        continue
      }
      yield { ...page, restarted }
      restarted = false
      if (page.offset === undefined) return
      offset = page.offset
    }
  }

  async function all(params?: ListParams<TFields>, options?: IterateOptions): Promise<Rec[]> {
    let records: Rec[] = []
    for await (const page of iterate(params, options)) {
      records = page.restarted ? [...page.records] : records.concat(page.records)
    }
    return records
  }

  async function get(recordId: string, options: GetOptions = {}): Promise<Rec> {
    const query = new URLSearchParams()
    if (options.cellFormat !== undefined) query.set('cellFormat', options.cellFormat)
    if (options.timeZone !== undefined) query.set('timeZone', options.timeZone)
    if (options.userLocale !== undefined) query.set('userLocale', options.userLocale)
    if (options.returnFieldsByFieldId !== undefined) {
      query.set('returnFieldsByFieldId', String(options.returnFieldsByFieldId))
    }
    const record = await transport.request({
      method: 'GET',
      path: `${tablePath}/${encodeURIComponent(recordId)}`,
      query,
      endpoint: 'getRecord',
      baseId,
      schema: airtableRecordSchema,
      call: callOptionsOf(options),
    })
    return record as Rec
  }

  function create(
    records: readonly { fields: WritableFields<TFields> }[],
    options?: CreateOptions,
  ): Promise<Rec[]> {
    return runChunks(records, {
      idOf: (r) => r.id,
      send: async (part) => {
        const response = await transport.request({
          method: 'POST',
          path: tablePath,
          body: { records: part.map((r) => ({ fields: r.fields })), ...writeFlags(options) },
          endpoint: 'createRecords',
          baseId,
          idempotent: false,
          retryUnsafe: options?.retryUnsafe ?? false,
          schema: recordsResponseSchema,
          call: callOptionsOf(options),
        })
        return asRecords(response.records)
      },
    })
  }

  function update(
    records: readonly { id: string; fields: WritableFields<TFields> }[],
    options?: UpdateOptions,
  ): Promise<Rec[]> {
    return runChunks(records, {
      idOf: (r) => r.id,
      send: async (part) => {
        const response = await transport.request({
          method: options?.destructive === true ? 'PUT' : 'PATCH',
          path: tablePath,
          body: {
            records: part.map((r) => ({ id: r.id, fields: r.fields })),
            ...writeFlags(options),
          },
          endpoint: 'updateRecords',
          baseId,
          schema: recordsResponseSchema,
          call: callOptionsOf(options),
        })
        return asRecords(response.records)
      },
    })
  }

  async function upsert(
    records: readonly { id?: string; fields: WritableFields<TFields> }[],
    options: UpsertOptions<TFields>,
  ): Promise<UpsertResponse<TFields>> {
    const created: string[] = []
    const updated: string[] = []
    const written = await runChunks<{ id?: string; fields: WritableFields<TFields> }, Rec>(
      records,
      {
        idOf: (r) => r.id,
        send: async (part) => {
          // A resent upsert finds what the first attempt created and updates it: safe to retry.
          const response = await transport.request({
            method: options.destructive === true ? 'PUT' : 'PATCH',
            path: tablePath,
            body: {
              performUpsert: { fieldsToMergeOn: [...options.fieldsToMergeOn] },
              records: part.map((r) =>
                r.id === undefined ? { fields: r.fields } : { id: r.id, fields: r.fields },
              ),
              ...writeFlags(options),
            },
            endpoint: 'upsertRecords',
            baseId,
            schema: upsertResponseSchema,
            call: callOptionsOf(options),
          })
          created.push(...response.createdRecords)
          updated.push(...response.updatedRecords)
          return asRecords(response.records)
        },
      },
    )
    return { records: written, createdRecords: created, updatedRecords: updated }
  }

  function remove(recordIds: readonly string[], options?: CallOptions): Promise<DeletedRecord[]> {
    return runChunks(recordIds, {
      idOf: (r) => r.id,
      send: async (part) => {
        const query = new URLSearchParams()
        for (const id of part) query.append('records[]', id)
        const response = await transport.request({
          method: 'DELETE',
          path: tablePath,
          query,
          endpoint: 'deleteRecords',
          baseId,
          schema: deleteResponseSchema,
          call: callOptionsOf(options),
        })
        return response.records
      },
    })
  }

  return { baseId, tableIdOrName, list, iterate, all, get, create, update, upsert, delete: remove }
}
