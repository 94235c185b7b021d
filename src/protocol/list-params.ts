/**
 * List-records parameters from either wire form (airtable-api.md §2.2, §2.3): the GET query string
 * with jQuery-style brackets (`fields[]`, `sort[0][field]`, `+` for spaces, `limit` alias) and the
 * POST `listRecords` JSON body (native types, unknown keys such as airtable.js's `method` ignored).
 * Pure wire parsing shared by the emulator and the API; errors are {@link ListParamsError}.
 */
import { z } from 'zod'
import { DEFAULT_MESSAGES, STATUS_BY_TYPE } from './errors.ts'
import type { SortSpec } from './records.ts'

/** Validated list parameters with defaults applied. */
export interface ListParams {
  /** 1–100. @default 100 */
  pageSize: number
  maxRecords?: number
  offset?: string
  view?: string
  fields?: string[]
  filterByFormula?: string
  sort?: SortSpec[]
  cellFormat: 'json' | 'string'
  timeZone?: string
  userLocale?: string
  returnFieldsByFieldId: boolean
  recordMetadata: string[]
}

/** Airtable's largest page. */
export const MAX_PAGE_SIZE = 100

/**
 * Invalid list parameters: Airtable answers 422 `INVALID_REQUEST_UNKNOWN`. Servers (the emulator,
 * the API) turn it into their own error class carrying the same type and message.
 */
export class ListParamsError extends Error {
  override readonly name = 'ListParamsError'
  readonly type = 'INVALID_REQUEST_UNKNOWN'
  readonly status = STATUS_BY_TYPE.INVALID_REQUEST_UNKNOWN
}

const invalid = (detail?: string): ListParamsError =>
  new ListParamsError(
    detail === undefined
      ? DEFAULT_MESSAGES.INVALID_REQUEST_UNKNOWN
      : `Invalid request: parameter validation failed. ${detail}`,
  )

const boolish = z.union([
  z.boolean(),
  z.literal(1).transform(() => true),
  z.literal(0).transform(() => false),
  z.enum(['true', '1', 'false', '0']).transform((v) => v === 'true' || v === '1'),
])

const intish = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
])

/** The body of POST listRecords; unknown keys (e.g. `method`) pass silently. */
const rawParamsSchema = z.looseObject({
  pageSize: intish.optional(),
  maxRecords: intish.optional(),
  offset: z.union([z.string(), z.number().transform(String)]).optional(),
  view: z.string().optional(),
  fields: z.array(z.string()).optional(),
  filterByFormula: z.string().optional(),
  sort: z
    .array(z.object({ field: z.string(), direction: z.enum(['asc', 'desc']).optional() }))
    .optional(),
  cellFormat: z.enum(['json', 'string']).optional(),
  timeZone: z.string().optional(),
  userLocale: z.string().optional(),
  returnFieldsByFieldId: boolish.optional(),
  recordMetadata: z.array(z.string()).optional(),
})

/** Reads bracketed query keys into the body shape, so both forms share one validator. */
export function queryToRaw(query: URLSearchParams): Record<string, unknown> {
  const raw: Record<string, unknown> = {}
  const sort = new Map<number, { field?: string; direction?: string }>()
  for (const [key, value] of query) {
    const sortMatch = /^sort\[(\d+)\]\[(field|direction)\]$/.exec(key)
    if (sortMatch) {
      const index = Number(sortMatch[1])
      const entry = sort.get(index) ?? {}
      if (sortMatch[2] === 'field') entry.field = value
      else entry.direction = value
      sort.set(index, entry)
      continue
    }
    const arrayKey = /^(fields|recordMetadata)(\[\])?$/.exec(key)
    if (arrayKey?.[1] !== undefined) {
      const list = (raw[arrayKey[1]] as string[] | undefined) ?? []
      list.push(value)
      raw[arrayKey[1]] = list
      continue
    }
    // The legacy `table.list()` path of airtable.js sends `limit` for pageSize (§8.2).
    raw[key === 'limit' && !query.has('pageSize') ? 'pageSize' : key] = value
  }
  if (sort.size > 0) raw['sort'] = [...sort.entries()].sort(([a], [b]) => a - b).map(([, s]) => s)
  return raw
}

/** Choices where Airtable's behaviour is uncertain. */
export interface ParseListOptions {
  /** `cellFormat=string` without timeZone and userLocale fails ([?] Airtable's exact error). @default true */
  requireLocaleForStringFormat: boolean
}

/**
 * Validates list parameters. `query` always supplies `timeZone`/`userLocale` (Airtable wants them
 * there even on POST); the body may repeat them (airtable.js does).
 */
export function parseListParams(
  body: unknown,
  query: URLSearchParams,
  options: ParseListOptions,
): ListParams {
  const parsed = rawParamsSchema.safeParse(body)
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.message)
  const p = parsed.data
  const pageSize = p.pageSize ?? MAX_PAGE_SIZE
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE)
    throw invalid(`pageSize must be 1..${MAX_PAGE_SIZE}`)
  if (p.maxRecords !== undefined && p.maxRecords < 0) throw invalid('maxRecords must be >= 0')
  const timeZone = query.get('timeZone') ?? p.timeZone
  const userLocale = query.get('userLocale') ?? p.userLocale
  const cellFormat = p.cellFormat ?? 'json'
  if (
    cellFormat === 'string' &&
    options.requireLocaleForStringFormat &&
    (timeZone === undefined || userLocale === undefined)
  ) {
    throw invalid('cellFormat "string" requires timeZone and userLocale')
  }
  return {
    pageSize,
    cellFormat,
    returnFieldsByFieldId: p.returnFieldsByFieldId ?? false,
    recordMetadata: p.recordMetadata ?? [],
    ...(p.maxRecords !== undefined && { maxRecords: p.maxRecords }),
    ...(p.offset !== undefined && p.offset !== '' && { offset: p.offset }),
    ...(p.view !== undefined && p.view !== '' && { view: p.view }),
    ...(p.fields !== undefined && { fields: p.fields }),
    ...(p.filterByFormula !== undefined &&
      p.filterByFormula !== '' && { filterByFormula: p.filterByFormula }),
    ...(p.sort !== undefined && {
      sort: p.sort.map((s): SortSpec =>
        s.direction === undefined ? { field: s.field } : { field: s.field, direction: s.direction },
      ),
    }),
    ...(timeZone !== undefined && { timeZone }),
    ...(userLocale !== undefined && { userLocale }),
  }
}

/** Parses `returnFieldsByFieldId`/`cellFormat`/`timeZone`/`userLocale` for get-one. */
export function parseRenderQuery(query: URLSearchParams, options: ParseListOptions): ListParams {
  const raw = queryToRaw(query)
  const keep: Record<string, unknown> = {}
  for (const key of ['cellFormat', 'timeZone', 'userLocale', 'returnFieldsByFieldId', 'fields']) {
    if (raw[key] !== undefined) keep[key] = raw[key]
  }
  return parseListParams(keep, query, options)
}
