/**
 * `createAirtableClient`: the one entry point of the module. It builds the request loop
 * (transport.ts) once and hands it to the records, metadata and webhook endpoint groups.
 */
import type { Fields } from '../protocol/records.ts'
import { createMetaClient, type MetaClient } from './meta.ts'
import { createTableClient, type TableClient } from './records.ts'
import { createTransport, type RequestSpec, type TransportOptions } from './transport.ts'
import { createWebhooksClient, type WebhooksClient } from './webhooks.ts'

/**
 * Options of {@link createAirtableClient}; see {@link TransportOptions} for each property
 * (`token`, `apiUrl`, `fetch`, `limiter`, `timeoutMs`, `maxAttempts`, `retry`, `onRequest`, …).
 */
export type AirtableClientOptions = TransportOptions

/** A typed Airtable Web API client. */
export interface AirtableClient {
  readonly apiUrl: string
  /** The records of one table; `TFields` types the `fields` of its records. */
  table<TFields extends Fields = Fields>(
    baseId: string,
    tableIdOrName: string,
  ): TableClient<TFields>
  readonly meta: MetaClient
  readonly webhooks: WebhooksClient
  /** Any other endpoint, through the same limiter, retries and errors. */
  request<T>(spec: RequestSpec<T>): Promise<T>
}

/**
 * Creates a client. Clients without their own `limiter` share the process-wide one, so every
 * request of the process counts against the same per-base and per-token budgets.
 *
 * @example
 * const airtable = createAirtableClient({ token, apiUrl: 'http://localhost:8788' })
 * const members = airtable.table<MemberFields>('appXXXXXXXXXXXXXX', 'Members Registry')
 * for await (const page of members.iterate({ pageSize: 100 })) save(page.records)
 */
export function createAirtableClient(options: AirtableClientOptions): AirtableClient {
  const transport = createTransport(options)
  return {
    apiUrl: transport.apiUrl,
    table: <TFields extends Fields = Fields>(baseId: string, tableIdOrName: string) =>
      createTableClient<TFields>(transport, { baseId, tableIdOrName }),
    meta: createMetaClient(transport),
    webhooks: createWebhooksClient(transport),
    request: (spec) => transport.request(spec),
  }
}
