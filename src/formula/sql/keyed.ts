/**
 * `{Field} = "text"` (either order) compiled to a comparison an expression index serves: the
 * shape of most row rules (`{Email} = USER_EMAIL()` once the claim is bound) and of the filters
 * apps send for "this user's rows". The generic path (operators.ts) wraps the same comparison in
 * `concat`/`COALESCE`, which no index matches, so every row of the table is read.
 *
 * Keys ({@link fieldKeyExpr}; the store indexes exactly these expressions):
 * - text-like fields (TEXT_TYPES): `airsync_text(cell)`, the cell's text or NULL. For a non-empty
 *   literal, `= lit` is exact: a blank never equals non-empty text (values.ts equals).
 * - text lists (multiple selects, text lookups): `airsync_list_key(cell)`, the items joined with
 *   `, ` (the list's text, values.ts toText), `''` for an absent cell, NULL for a shape SQL cannot
 *   read exactly. `key = lit` is exact for readable cells; NULL rows are unsure (the JS residual
 *   decides), so the condition is `key = lit OR key IS NULL`, two scans of one index.
 *
 * The comparison may be NULL (a blank text cell): it is only ever used as a WHERE conjunct, where
 * NULL rejects the row as false does.
 */
import type { Node } from '../ast.ts'
import { compileExpr } from './expr.ts'
import { TEXT_TYPES } from './fields.ts'
import type { CompileContext, SqlField } from './types.ts'

/** A keyed conjunct: `where` (exact, or exact except where `unsure` holds). */
export interface KeyedEquality {
  readonly where: string
  readonly unsure?: string
}

/** The key function of a field's cells: text-like, or a text list. */
export type KeyKind = 'text' | 'list'

/** Which key function indexes a field's cells, or undefined when none fits its type. */
export function keyKind(field: SqlField): KeyKind | undefined {
  if (TEXT_TYPES.has(field.type)) return 'text'
  if (field.type === 'multipleSelects') return 'list'
  if (field.type === 'multipleLookupValues' && TEXT_TYPES.has(field.options?.result?.type ?? '')) {
    return 'list'
  }
  return undefined
}

/** The key expression of a field's cell (`cell` is SQL reading the jsonb cell). */
export function fieldKeyExpr(kind: KeyKind, cell: string): string {
  return kind === 'text' ? `airsync_text(${cell})` : `airsync_list_key(${cell})`
}

/**
 * The equality as a keyed comparison, or undefined when `node` does not have that shape. Throws
 * Unsupported (as compileExpr does) for a literal Postgres text cannot hold.
 */
export function compileKeyedEquality(node: Node, ctx: CompileContext): KeyedEquality | undefined {
  if (node.kind !== 'binary' || node.op !== '=') return undefined
  const [fieldNode, literal] =
    node.left.kind === 'field' ? [node.left, node.right] : [node.right, node.left]
  if (fieldNode.kind !== 'field' || literal.kind !== 'string' || literal.value === '') {
    return undefined
  }
  const field = ctx.resolver.field(fieldNode.name)
  const kind = field === undefined ? undefined : keyKind(field)
  if (field === undefined || kind === undefined) return undefined
  const key = fieldKeyExpr(kind, `(r.fields -> ${ctx.params.text(field.id)})`)
  const value = compileExpr(literal, ctx).sql
  if (kind === 'text') return { where: `(${key} = ${value})` }
  const unsure = `(${key} IS NULL)`
  return { where: `(${key} = ${value} OR ${unsure})`, unsure }
}
