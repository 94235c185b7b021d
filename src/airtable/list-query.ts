/**
 * List-records parameters on the wire, pure (airtable-api.md §2.2, §2.3): the GET query string
 * (`fields[]=…`, `sort[0][field]=…`), the POST `listRecords` body, and the switch between them when
 * the URL would be too long.
 */
import type { Fields, SortDirection } from '../protocol/records.ts'

/** A field name of `TFields` (autocompleted), or any other name or field ID. */
export type FieldKey<TFields extends Fields> = Extract<keyof TFields, string> | (string & {})

export interface ListParams<TFields extends Fields = Fields> {
  /** Records per page, ≤ 100. @default 100 (Airtable's) */
  pageSize?: number
  /** Cap on records across all pages. */
  maxRecords?: number
  /** Cursor from the previous page. */
  offset?: string
  /** View name or ID. */
  view?: string
  /** Only these fields (names or IDs). */
  fields?: readonly FieldKey<TFields>[]
  filterByFormula?: string
  sort?: readonly { field: FieldKey<TFields>; direction?: SortDirection }[]
  /** `string` needs `timeZone` and `userLocale`. @default 'json' */
  cellFormat?: 'json' | 'string'
  timeZone?: string
  userLocale?: string
  returnFieldsByFieldId?: boolean
  recordMetadata?: readonly 'commentCount'[]
  /** `auto` uses POST `listRecords` only when the GET URL would be too long. @default 'auto' */
  method?: 'get' | 'post' | 'auto'
}

/**
 * Longest path + query sent as GET. Airtable's limit is 16,000 characters for the whole URL
 * (§2.3); airtable.js switches at 15,000, leaving room for the origin.
 */
export const URL_LENGTH_LIMIT = 15_000

/** Query string for GET list records. */
export function listQuery(params: ListParams<Fields>): URLSearchParams {
  const q = new URLSearchParams()
  if (params.pageSize !== undefined) q.set('pageSize', String(params.pageSize))
  if (params.maxRecords !== undefined) q.set('maxRecords', String(params.maxRecords))
  if (params.offset !== undefined) q.set('offset', params.offset)
  if (params.view !== undefined) q.set('view', params.view)
  for (const field of params.fields ?? []) q.append('fields[]', field)
  if (params.filterByFormula !== undefined) q.set('filterByFormula', params.filterByFormula)
  params.sort?.forEach((s, i) => {
    q.set(`sort[${i}][field]`, s.field)
    if (s.direction !== undefined) q.set(`sort[${i}][direction]`, s.direction)
  })
  if (params.cellFormat !== undefined) q.set('cellFormat', params.cellFormat)
  if (params.timeZone !== undefined) q.set('timeZone', params.timeZone)
  if (params.userLocale !== undefined) q.set('userLocale', params.userLocale)
  if (params.returnFieldsByFieldId !== undefined) {
    q.set('returnFieldsByFieldId', String(params.returnFieldsByFieldId))
  }
  for (const m of params.recordMetadata ?? []) q.append('recordMetadata[]', m)
  return q
}

/** JSON body for POST `listRecords`: native types; `timeZone`/`userLocale` go in the query (§2.3). */
export function listBody(params: ListParams<Fields>): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  const copy = [
    'pageSize',
    'maxRecords',
    'offset',
    'view',
    'filterByFormula',
    'cellFormat',
    'returnFieldsByFieldId',
  ] as const
  for (const key of copy) if (params[key] !== undefined) body[key] = params[key]
  if (params.fields !== undefined) body['fields'] = [...params.fields]
  if (params.sort !== undefined) body['sort'] = params.sort.map((s) => ({ ...s }))
  if (params.recordMetadata !== undefined) body['recordMetadata'] = [...params.recordMetadata]
  return body
}

/** How to send one list-records request. */
export type ListPlan =
  | { method: 'GET'; path: string; query: URLSearchParams }
  | { method: 'POST'; path: string; query: URLSearchParams; body: Record<string, unknown> }

/** Chooses GET or POST `listRecords` for `tablePath` (`/v0/{baseId}/{table}`); pure. */
export function planList(tablePath: string, params: ListParams<Fields>): ListPlan {
  const query = listQuery(params)
  const usePost =
    params.method === 'post' ||
    (params.method !== 'get' && `${tablePath}?${query.toString()}`.length > URL_LENGTH_LIMIT)
  if (!usePost) return { method: 'GET', path: tablePath, query }
  const postQuery = new URLSearchParams()
  if (params.timeZone !== undefined) postQuery.set('timeZone', params.timeZone)
  if (params.userLocale !== undefined) postQuery.set('userLocale', params.userLocale)
  return {
    method: 'POST',
    path: `${tablePath}/listRecords`,
    query: postQuery,
    body: listBody(params),
  }
}
