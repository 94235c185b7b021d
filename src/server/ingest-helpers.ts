/**
 * Test helpers for the ingest tests: a small base with every cell shape webhook payloads convert
 * (selects, links, lookups, rollups, counts, formulas, collaborators), an emulator serving it, an
 * ingest service over it, and "the mirror equals Airtable" for every table.
 */
import { expect } from 'vitest'
import type { AirtableClient } from '../airtable/index.ts'
import type { EmulatedBase, RunningEmulator } from '../emulator/index.ts'
import { loadBaseDefinition, type BaseDefinition } from '../emulator/seed/index.ts'
import {
  createIngestService,
  type IngestService,
  type IngestServiceOptions,
} from '../ingest/index.ts'
import type { Db } from '../store/index.ts'
import { mirrorRecords, TEST_TOKEN, upstreamRecords } from './test-helpers.ts'

export const SHOP_BASE_ID = 'appShopIngest0001'

/** The shop base: Customers ⇄ Orders with computed fields, and a Tags multiple select. */
export function shopDefinition(): BaseDefinition {
  return {
    id: SHOP_BASE_ID,
    name: 'Shop',
    seed: 'shop-ingest-1',
    tables: [
      {
        name: 'Customers',
        fields: [
          { name: 'Name', type: 'singleLineText' },
          { name: 'Email', type: 'email' },
          { name: 'Order Count', type: 'count', options: { linkField: 'Orders' } },
          {
            name: 'Spent',
            type: 'rollup',
            options: { linkField: 'Orders', lookupField: 'Total', aggregation: 'SUM(values)' },
          },
          { name: 'Account Manager', type: 'singleCollaborator' },
        ],
        records: [
          { fields: { Name: 'Ada', Email: 'ada@example.com' } },
          { fields: { Name: 'Bo', Email: 'bo@example.com' } },
        ],
      },
      {
        name: 'Orders',
        fields: [
          { name: 'Ref', type: 'singleLineText' },
          {
            name: 'Customer',
            type: 'multipleRecordLinks',
            options: { linkedTable: 'Customers', inverseField: 'Orders' },
          },
          {
            name: 'Customer Email',
            type: 'multipleLookupValues',
            options: { linkField: 'Customer', lookupField: 'Email' },
          },
          { name: 'Total', type: 'currency', options: { precision: 2, symbol: '$' } },
          { name: 'Status', type: 'singleSelect', options: { choices: ['Open', 'Shipped'] } },
          { name: 'Tags', type: 'multipleSelects', options: { choices: ['gift', 'rush', 'bulk'] } },
          { name: 'Summary', type: 'formula', options: { formula: "{Ref} & ': ' & {Status}" } },
          { name: 'Updated', type: 'lastModifiedTime' },
        ],
        views: [
          {
            name: 'Open',
            filterByFormula: "{Status} = 'Open'",
            sort: [{ field: 'Total', direction: 'desc' }],
          },
        ],
        records: [
          { fields: { Ref: 'A-1', Customer: ['Ada'], Total: 120, Status: 'Shipped' } },
          {
            fields: { Ref: 'A-2', Customer: ['Ada'], Total: 35.5, Status: 'Open', Tags: ['gift'] },
          },
          { fields: { Ref: 'B-1', Customer: ['Bo'], Total: 80, Status: 'Open' } },
        ],
      },
    ],
  }
}

/** A fresh shop base. */
export function shopBase(): EmulatedBase {
  return loadBaseDefinition(shopDefinition())
}

/** Calls `/__emulator` control routes of `running`. */
export async function control(
  running: RunningEmulator,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<unknown> {
  const response = await fetch(`${running.url}/__emulator${path}`, {
    method: init.method ?? 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

/** An edit as the operations team makes it in Airtable's UI (source `client`). */
export function uiEdit(
  running: RunningEmulator,
  table: string,
  edit: { action: 'create' | 'update' | 'delete'; records: unknown[] },
): Promise<unknown> {
  return control(running, `/bases/${SHOP_BASE_ID}/tables/${encodeURIComponent(table)}/records`, {
    body: edit,
  })
}

/** An ingest service for the shop base, polling fast, with quick retries; run it yourself. */
export function shopIngest(
  db: Db,
  airtable: AirtableClient,
  options: Partial<IngestServiceOptions> = {},
): IngestService {
  return createIngestService({
    db,
    airtable,
    baseId: SHOP_BASE_ID,
    pollIntervalMs: 30,
    reconcileIntervalMs: 0,
    retryDelayMs: 20,
    maxRetryDelayMs: 100,
    viewRefreshDebounceMs: 10,
    viewRefreshMinIntervalMs: 0,
    lockRetryMs: 50,
    ...options,
  })
}

/** Waits until every table of the mirror equals the emulator's, record for record. */
export async function expectMirrorEqualsUpstream(
  db: Db,
  airtable: AirtableClient,
  tableIds: readonly string[],
): Promise<void> {
  for (const tableId of tableIds) {
    const upstream = await upstreamRecords(airtable, SHOP_BASE_ID, tableId)
    await expect
      .poll(() => mirrorRecords(db, SHOP_BASE_ID, tableId), { timeout: 10_000, interval: 20 })
      .toEqual(upstream)
  }
}
