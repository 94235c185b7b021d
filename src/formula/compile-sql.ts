/**
 * Formula → parameterised Postgres SQL over the mirror's rows (`r.id`, `r.created_time`,
 * `r.fields` jsonb keyed by field ID), agreeing with the evaluator (evaluate.ts) on every row.
 *
 * Invariants:
 * - User text reaches SQL only as parameters; identifiers only through `quoteIdent`.
 * - A compiled filter never raises for any row: division by zero, bad casts and invalid dates
 *   are guarded and become error flags (the row is excluded, as Airtable excludes error rows).
 * - Never wrong rows: a construct SQL cannot reproduce exactly is left to a JS residual, and a
 *   row SQL cannot decide (its `unsure` flag) stays a candidate for that residual.
 * - Index-friendly: `{Field} = "text"` compiles to a key expression the store indexes
 *   (sql/keyed.ts), so a row rule reads the rows it returns, not the whole table.
 * - Compact: field reads are bound once per conjunct (sql/bindings.ts) and coercions call the
 *   `airsync_*` support functions (sql/support.ts, installed by the store's migration 0002), so
 *   the SQL grows with the formula, not with how often a value is reused.
 *
 * Coverage: COMPILED_FUNCTIONS (sql/functions.ts, numeric.ts, dates.ts) and field types
 * (sql/fields.ts); what stays in JS and why: JS_ONLY_FUNCTIONS (sql/js-only.ts).
 */
import type { Node } from './ast.ts'
import { Bindings } from './sql/bindings.ts'
import { compileExpr } from './sql/expr.ts'
import { isTrue, joinFragments, SqlParams, type SqlFragment } from './sql/fragment.ts'
import { truthy } from './sql/coerce.ts'
import { compileKeyedEquality } from './sql/keyed.ts'
import {
  Unsupported,
  type CompileContext,
  type CompileSqlOptions,
  type SqlSchemaResolver,
} from './sql/types.ts'

export type { SqlFragment } from './sql/fragment.ts'
export type { CompileSqlOptions, SqlField, SqlSchemaResolver, SqlType } from './sql/types.ts'
export { COMPILED_FUNCTIONS } from './sql/functions.ts'
export { JS_ONLY_FUNCTIONS } from './sql/js-only.ts'

/**
 * A compiled filter. `sql`: `where` selects exactly the matching rows. `partial`: `where` is a
 * necessary condition (every matching row satisfies it); evaluate `residual` with the evaluator
 * over those candidate rows and keep the truthy ones. `js`: nothing compiled; evaluate the whole
 * formula over every row.
 */
export type CompiledFilter =
  | { readonly kind: 'sql'; readonly where: SqlFragment }
  | {
      readonly kind: 'partial'
      readonly where: SqlFragment
      readonly residual: Node
      /**
       * When present, the candidate rows that need the residual: a boolean SQL expression of the
       * row, false for rows `where` already decided exactly (read it back with the row, e.g. as a
       * queryKeyedRecords key, and evaluate the residual only where it is true). Absent when some
       * conjunct did not compile: then every candidate needs the residual.
       */
      readonly recheck?: SqlFragment
    }
  | { readonly kind: 'js' }

/** Top-level AND conjuncts (nested ANDs flattened): each can compile or fall back alone. */
function conjuncts(node: Node): Node[] {
  if (node.kind === 'call' && node.name === 'AND' && node.args.length > 0) {
    return node.args.flatMap(conjuncts)
  }
  return [node]
}

interface CompiledConjunct {
  where: SqlFragment
  /** The rows SQL could not decide; undefined when it decides every row. */
  unsure?: SqlFragment
}

function compileConjunct(
  node: Node,
  inAnd: boolean,
  context: Omit<CompileContext, 'params'>,
): CompiledConjunct | undefined {
  const params = new SqlParams()
  const bindings = new Bindings()
  const ctx: CompileContext = { ...context, params, bind: bindings.bind }
  try {
    const keyed = compileKeyedEquality(node, ctx)
    if (keyed !== undefined) {
      const unsure = keyed.unsure === undefined ? {} : { unsure: params.fragment(keyed.unsure) }
      return { where: params.fragment(keyed.where), ...unsure }
    }
    const e = compileExpr(node, ctx)
    // Inside AND an array counts by its items (functions/logical.ts), not by being non-empty.
    if (e.type === 'list' && inAnd) return undefined
    const matches = `(NOT ${isTrue(e.err)} AND ${truthy(params, e)})`
    if (e.unsure === undefined) return { where: params.fragment(bindings.wrap(matches)) }
    const unsure = isTrue(e.unsure)
    return {
      where: params.fragment(bindings.wrap(`(${unsure} OR ${matches})`)),
      unsure: params.fragment(bindings.wrap(unsure)),
    }
  } catch (error) {
    if (error instanceof Unsupported) return undefined
    throw error
  }
}

/**
 * Compiles a filter formula (an AST already checked against the table) to SQL. Top-level AND
 * conjuncts compile one by one; those that cannot go to the residual, evaluated in JS as
 * `AND(…)` so that its truth rules (an array counts by its items) still apply.
 */
export function compileFilter(
  ast: Node,
  resolver: SqlSchemaResolver,
  options: CompileSqlOptions,
): CompiledFilter {
  const parts = conjuncts(ast)
  const inAnd = ast.kind === 'call' && ast.name === 'AND'
  const wheres: SqlFragment[] = []
  const residual: Node[] = []
  const unsures: SqlFragment[] = []
  let uncompiled = false
  for (const part of parts) {
    const compiled = compileConjunct(part, inAnd, { resolver, options })
    if (compiled === undefined) uncompiled = true
    else wheres.push(compiled.where)
    if (compiled?.unsure !== undefined) unsures.push(compiled.unsure)
    if (compiled === undefined || compiled.unsure !== undefined) residual.push(part)
  }
  if (wheres.length === 0) return { kind: 'js' }
  const where = joinFragments(wheres, ' AND ')
  if (residual.length === 0) return { kind: 'sql', where }
  return {
    kind: 'partial',
    where,
    residual: inAnd ? { kind: 'call', name: 'AND', args: residual, span: ast.span } : ast,
    ...(uncompiled ? {} : { recheck: joinFragments(unsures, ' OR ') }),
  }
}
