/**
 * HTTP to airsync: one `send` that adds the bearer token (asked of `getToken` per request, so a
 * refreshed token is used at once), turns error answers into AirsyncError (Airtable's envelope)
 * and failures to answer into NETWORK_ERROR; plus the `/v0` list query string (airtable-api.md
 * §2.1: `sort[0][field]`, `fields[]`) and a walk over every page.
 */
import type { AirtableRecord } from '../protocol/index.ts'
import { errorFromResponse, toAirsyncError } from './errors.ts'
import type { ListOptions } from './types.ts'
import { readListPage } from './wire.ts'

/** The `fetch` the SDK calls (the global one by default). */
export type FetchLike = (input: Request) => Promise<Response>

/** What an {@link Http} needs. */
export interface HttpOptions {
  /** airsync's origin, e.g. `https://sync.example.com`. */
  url: string
  baseId: string
  /** The bearer token: a user JWT (or, server-side only, the service key). */
  getToken: () => string | Promise<string>
  fetch: FetchLike
}

/** One request. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Path and query, e.g. `/v0/app…/Likes?records[]=rec…`. */
  path: string
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** Sends requests to airsync. */
export interface Http {
  readonly options: HttpOptions
  /** The answer, or AirsyncError for an error status or no answer. */
  send(request: HttpRequest): Promise<Response>
  /** `send` and the JSON body. */
  json(request: HttpRequest): Promise<unknown>
  /** Every page of a list (following `offset`). */
  listAll(table: string, options: ListOptions): Promise<AirtableRecord[]>
  /** `/v0/{baseId}/{table}` with the table encoded. */
  tablePath(table: string): string
}

/** Creates the HTTP helper. */
export function createHttp(options: HttpOptions): Http {
  const origin = options.url.replace(/\/+$/, '')
  const send = async (request: HttpRequest): Promise<Response> => {
    const url = origin + request.path
    const where = { method: request.method, url: request.path }
    let response: Response
    try {
      const headers = new Headers(request.headers)
      headers.set('authorization', `Bearer ${await options.getToken()}`)
      if (request.body !== undefined) headers.set('content-type', 'application/json')
      const init: RequestInit = { method: request.method, headers }
      if (request.body !== undefined) init.body = JSON.stringify(request.body)
      if (request.signal !== undefined) init.signal = request.signal
      response = await options.fetch(new Request(url, init))
    } catch (error) {
      throw toAirsyncError(error, where)
    }
    if (!response.ok) throw await errorFromResponse(response, where)
    return response
  }
  const tablePath = (table: string): string =>
    `/v0/${encodeURIComponent(options.baseId)}/${encodeURIComponent(table)}`
  const json = async (request: HttpRequest): Promise<unknown> => {
    const response = await send(request)
    try {
      return await response.json()
    } catch (error) {
      throw toAirsyncError(error, { method: request.method, url: request.path })
    }
  }
  return {
    options,
    send,
    json,
    tablePath,
    async listAll(table, list) {
      const records: AirtableRecord[] = []
      let offset: string | undefined
      do {
        const query = listQuery(list, offset)
        const page = readListPage(
          await json({ method: 'GET', path: `${tablePath(table)}?${query}` }),
        )
        records.push(...page.records)
        offset = page.offset
      } while (
        offset !== undefined &&
        (list.maxRecords === undefined || records.length < list.maxRecords)
      )
      return list.maxRecords === undefined ? records : records.slice(0, list.maxRecords)
    },
  }
}

/** The query string of one list page. */
export function listQuery(list: ListOptions, offset?: string): string {
  const query = new URLSearchParams()
  if (list.view !== undefined) query.set('view', list.view)
  if (list.filterByFormula !== undefined) query.set('filterByFormula', list.filterByFormula)
  list.sort?.forEach((s, i) => {
    query.set(`sort[${i}][field]`, s.field)
    if (s.direction !== undefined) query.set(`sort[${i}][direction]`, s.direction)
  })
  for (const field of list.fields ?? []) query.append('fields[]', field)
  if (list.maxRecords !== undefined) query.set('maxRecords', String(list.maxRecords))
  if (list.pageSize !== undefined) query.set('pageSize', String(list.pageSize))
  if (offset !== undefined) query.set('offset', offset)
  return query.toString()
}
