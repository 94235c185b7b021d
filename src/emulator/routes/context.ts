/**
 * What every route needs, and the two helpers they share: reading a JSON body the way Airtable
 * does (400 when unparseable) and answering Airtable's 422 for a missing `fields`/`records`.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Clock } from '../../shared/clock.ts'
import type { IteratorStore } from '../iterators.ts'
import type { ParseListOptions } from '../list-params.ts'
import type { BaseRegistry } from '../registry.ts'
import { EmulatorError } from '../state/types.ts'

export interface RouteContext {
  bases: BaseRegistry
  iterators: IteratorStore
  clock: Clock
  list: ParseListOptions
}

/** The JSON body; an empty body reads as `{}`; unparseable → 400 (see http-errors.ts). */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw new HTTPException(400, { message: 'invalid JSON', cause })
  }
}

/** A plain JSON object, or 422 INVALID_REQUEST_UNKNOWN. */
export function asObject(body: unknown): Record<string, unknown> {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return body as Record<string, unknown>
  }
  throw new EmulatorError({
    type: 'INVALID_REQUEST_UNKNOWN',
    message: 'Invalid request: parameter validation failed. Check your request data.',
  })
}

/** 422 `Could not find field "fields" in the request body` (airtable-api.md §2.6). */
export function missingFields(name = 'fields'): EmulatorError {
  return new EmulatorError({
    type: 'INVALID_REQUEST_MISSING_FIELDS',
    message: `Could not find field "${name}" in the request body`,
  })
}

/** Path segments that are not base IDs: `/v0/meta/...` and `/v0/bases/...` belong elsewhere. */
export const RESERVED_BASE_SEGMENTS: ReadonlySet<string> = new Set(['meta', 'bases'])
