/**
 * What every route shares: the Hono env (the authenticated principal), and the per-request
 * resolution of a table to the caller's access. The policy engine is rebuilt when the schema
 * object changes (the store hands out a new object after each schema sync).
 */
import type { Principal, PolicyEngine, TableAccess } from '../policy/index.ts'
import { visibleTable } from '../policy/index.ts'
import { findTable, type BaseSchema, type Table } from '../protocol/index.ts'
import { ApiError, modelNotFound } from './errors.ts'
import type { ApiMetrics } from './metrics.ts'
import type { OffsetCodec } from './offsets.ts'
import type { ResolvedApiOptions } from './options.ts'

/** Hono's env for the API. */
export interface ApiEnv {
  Variables: {
    principal: Principal
  }
}

/** Shared by the routes of one API instance. */
export interface ApiContext {
  options: ResolvedApiOptions
  offsets: OffsetCodec
  metrics: ApiMetrics
  /** The schema and the policy engine for it. */
  current(): { schema: BaseSchema; engine: PolicyEngine }
}

/** A table as one caller may read it. */
export interface ReadTarget {
  schema: BaseSchema
  /** The full table (for the row filter and the mirror's cells). */
  table: Table
  /** The table without the fields hidden from the caller (for their own names). */
  visible: Table
  access: TableAccess
}

/** Builds `current()`: the schema, and an engine cached per schema object. */
export function currentPolicies(
  options: ResolvedApiOptions,
): () => { schema: BaseSchema; engine: PolicyEngine } {
  let cached: { schema: BaseSchema; engine: PolicyEngine } | undefined
  return () => {
    const schema = options.getSchema()
    if (schema === undefined) {
      throw new ApiError({
        type: 'SERVICE_UNAVAILABLE',
        message: 'The mirror is not ready yet: the first sync has not finished',
      })
    }
    if (cached?.schema !== schema) {
      const { policies } = options
      cached = { schema, engine: typeof policies === 'function' ? policies(schema) : policies }
    }
    return cached
  }
}

/**
 * Resolves `baseId` + table (name or ID) for a reader; an unknown base or table, or one the
 * caller may not read, is the same 403.
 */
export function readTarget(
  ctx: ApiContext,
  request: { principal: Principal; baseId: string; table: string },
): ReadTarget {
  if (request.baseId !== ctx.options.baseId) throw modelNotFound()
  const { schema, engine } = ctx.current()
  const table = findTable(schema, request.table)
  if (table === undefined) throw modelNotFound()
  const access = engine.policyFor(request.principal, table.id)
  if (!access.canRead) throw modelNotFound()
  return { schema, table, visible: visibleTable(access), access }
}
