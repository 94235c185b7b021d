/**
 * What every route needs, and reading a JSON body the way Airtable does (400 when unparseable).
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Clock } from '../../shared/clock.ts'
import type { CommentStore } from '../comments.ts'
import type { IteratorStore } from '../iterators.ts'
import type { ParseListOptions } from '../list-params.ts'
import type { BaseRegistry } from '../registry.ts'

export interface RouteContext {
  bases: BaseRegistry
  iterators: IteratorStore
  /** Record comments (the comments API and `recordMetadata[]=commentCount`). */
  comments: CommentStore
  clock: Clock
  list: ParseListOptions
  /** Show rollup formulas (`options.aggregation`) in the metadata API. */
  rollupAggregationInSchema: boolean
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

/** Path segments that are not base IDs: `/v0/meta/...` and `/v0/bases/...` belong elsewhere. */
export const RESERVED_BASE_SEGMENTS: ReadonlySet<string> = new Set(['meta', 'bases'])
