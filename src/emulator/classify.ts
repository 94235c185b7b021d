/**
 * Names what a request is, from its method and (normalised) path alone, before any route runs:
 * the rate limiter needs the base, the stats need an endpoint kind, and both must also see
 * requests that never reach a route (401, 429, 404).
 */

/** Endpoint kinds counted by `/__emulator/stats`. */
export type EndpointKind =
  | 'records.list'
  | 'records.get'
  | 'records.create'
  | 'records.update'
  | 'records.delete'
  | 'meta.whoami'
  | 'meta.bases'
  | 'meta.schema'
  | 'meta.createTable'
  | 'meta.updateTable'
  | 'meta.createField'
  | 'meta.updateField'
  | 'webhooks'
  | 'comments'
  | 'control'
  | 'unknown'

export interface RequestClass {
  endpoint: EndpointKind
  /** The base the request targets, when it names one. */
  baseId?: string
  /** True for requests that change data (commit-then-fail applies to these). */
  isWrite: boolean
}

/** Collapses repeated slashes and drops a trailing one: airtable.js sends both (§8.1, §9.7). */
export function normalisePath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/')
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

/** Classifies a request; `path` must be normalised and percent-decoded. */
export function classifyRequest(method: string, path: string): RequestClass {
  const parts = path.split('/').filter((p) => p !== '')
  const m = method.toUpperCase()
  if (parts[0] === '__emulator') return { endpoint: 'control', isWrite: false }
  if (parts[0] !== 'v0') return { endpoint: 'unknown', isWrite: false }
  const [, first, second, third, fourth, fifth, sixth] = parts
  if (first === 'meta') return classifyMeta(m, [second, third, fourth, fifth, sixth, parts[7]])
  if (first === 'bases' && second !== undefined && third === 'webhooks') {
    return { endpoint: 'webhooks', baseId: second, isWrite: WRITE_METHODS.has(m) }
  }
  if (first !== undefined && fourth === 'comments' && parts.length <= 6) {
    return { endpoint: 'comments', baseId: first, isWrite: WRITE_METHODS.has(m) }
  }
  if (first === undefined || second === undefined || parts.length > 4) {
    return { endpoint: 'unknown', isWrite: false }
  }
  const baseId = first
  if (third === undefined) {
    const byMethod: Record<string, EndpointKind> = {
      GET: 'records.list',
      POST: 'records.create',
      PATCH: 'records.update',
      PUT: 'records.update',
      DELETE: 'records.delete',
    }
    const endpoint = byMethod[m] ?? 'unknown'
    return { endpoint, baseId, isWrite: endpoint !== 'records.list' && endpoint !== 'unknown' }
  }
  if (third === 'listRecords' && m === 'POST')
    return { endpoint: 'records.list', baseId, isWrite: false }
  const byMethod: Record<string, EndpointKind> = {
    GET: 'records.get',
    PATCH: 'records.update',
    PUT: 'records.update',
    DELETE: 'records.delete',
  }
  const endpoint = byMethod[m] ?? 'unknown'
  return { endpoint, baseId, isWrite: endpoint !== 'records.get' && endpoint !== 'unknown' }
}

function classifyMeta(method: string, rest: (string | undefined)[]): RequestClass {
  const [a, baseId, c, table, e, field] = rest
  if (a === 'whoami' && baseId === undefined) return { endpoint: 'meta.whoami', isWrite: false }
  if (a !== 'bases') return { endpoint: 'unknown', isWrite: false }
  if (baseId === undefined) return { endpoint: 'meta.bases', isWrite: method === 'POST' }
  if (c !== 'tables') return { endpoint: 'unknown', baseId, isWrite: false }
  if (table === undefined) {
    return method === 'POST'
      ? { endpoint: 'meta.createTable', baseId, isWrite: true }
      : { endpoint: 'meta.schema', baseId, isWrite: false }
  }
  if (e === undefined) return { endpoint: 'meta.updateTable', baseId, isWrite: true }
  if (e === 'fields' && field === undefined)
    return { endpoint: 'meta.createField', baseId, isWrite: true }
  if (e === 'fields') return { endpoint: 'meta.updateField', baseId, isWrite: true }
  return { endpoint: 'unknown', baseId, isWrite: false }
}
