/**
 * Runs one {@link ReadQuery} through the official airtable.js and returns everything it saw, in
 * a shape two runs can be compared with `toEqual`: the raw records (id, createdTime, fields) in
 * order, page by page when the query asks, or the error airtable.js rejected with.
 */
import Airtable from 'airtable'
import type { FieldSet, Records } from 'airtable'
import type { FieldIds, ReadQuery } from './read-queries.ts'

/** What a query produced. */
export type ReadOutcome =
  | { kind: 'records'; records: unknown[] }
  | { kind: 'pages'; pages: unknown[][] }
  | { kind: 'record'; record: unknown }
  | { kind: 'error'; statusCode: unknown; error: unknown; message: unknown }

/** The IDs a query may refer to: field and view IDs by name, record IDs in creation order. */
export interface TableIds {
  fieldIds: FieldIds
  recordIds: readonly string[]
}

/** An airtable.js base handle for `endpointUrl` with the given token; no retries on 429. */
export function airtableJsBase(endpointUrl: string, token: string, baseId: string): Airtable.Base {
  return new Airtable({ apiKey: token, endpointUrl, noRetryIfRateLimited: true }).base(baseId)
}

const raw = (records: Records<FieldSet>): unknown[] => records.map((r): unknown => r._rawJson)

/** Runs the query; never throws for an Airtable error (it becomes the outcome). */
export async function runReadQuery(
  base: Airtable.Base,
  query: ReadQuery,
  ids: TableIds,
): Promise<ReadOutcome> {
  const table = base(query.table)
  try {
    if (query.find !== undefined) {
      const record = await table.find(query.find(ids.recordIds))
      return { kind: 'record', record: record._rawJson }
    }
    const params = typeof query.select === 'function' ? query.select(ids.fieldIds) : query.select
    const select = table.select(params ?? {})
    if (query.pages !== true) return { kind: 'records', records: raw(await select.all()) }
    const pages: unknown[][] = []
    await select.eachPage((records, next) => {
      pages.push(raw(records))
      next()
    })
    return { kind: 'pages', pages }
  } catch (error) {
    const e = error as { statusCode?: unknown; error?: unknown; message?: unknown }
    return { kind: 'error', statusCode: e.statusCode, error: e.error, message: e.message }
  }
}

/** How many records an outcome holds (0 for errors). */
export function recordCount(outcome: ReadOutcome): number {
  switch (outcome.kind) {
    case 'records':
      return outcome.records.length
    case 'pages':
      return outcome.pages.reduce((n, page) => n + page.length, 0)
    case 'record':
      return 1
    case 'error':
      return 0
  }
}

interface MetaTables {
  tables: {
    id: string
    name: string
    fields: { id: string; name: string }[]
    views: { id: string; name: string }[]
  }[]
}

/**
 * The IDs of every table, from the metadata API and a full listing of record IDs (in the
 * server's default order, creation order), as {@link runReadQuery} needs them.
 */
export async function loadTableIds(
  endpointUrl: string,
  token: string,
  baseId: string,
): Promise<Map<string, TableIds>> {
  const response = await fetch(`${endpointUrl}/v0/meta/bases/${baseId}/tables`, {
    headers: { authorization: `Bearer ${token}` },
  })
  if (!response.ok) throw new Error(`meta tables: ${response.status} ${await response.text()}`)
  const meta = (await response.json()) as MetaTables
  const base = airtableJsBase(endpointUrl, token, baseId)
  const result = new Map<string, TableIds>()
  for (const table of meta.tables) {
    const byName = new Map<string, string>([
      ...table.fields.map((f): [string, string] => [f.name, f.id]),
      ...table.views.map((v): [string, string] => [`view:${v.name}`, v.id]),
    ])
    const records = await base(table.name).select({ fields: [] }).all()
    result.set(table.name, {
      fieldIds: (name) => {
        const id = byName.get(name)
        if (id === undefined) throw new Error(`no field or view ${name} in ${table.name}`)
        return id
      },
      recordIds: records.map((r) => r.id),
    })
  }
  return result
}
