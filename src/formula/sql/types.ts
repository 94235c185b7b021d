/**
 * Types of the formula → SQL compiler: the schema it compiles against (declared structurally,
 * every protocol `Field` fits) and the typed SQL expression each AST node compiles to.
 */
import type { FormulaOptions } from '../types.ts'
import type { SqlParams } from './fragment.ts'

/** A field as the compiler needs it: its ID (the jsonb key), type and options. */
export interface SqlField {
  readonly id: string
  readonly type: string
  readonly options?:
    | {
        readonly choices?: readonly { readonly name: string }[] | undefined
        /** The value type of a formula, rollup or lookup. */
        readonly result?: { readonly type: string } | undefined
      }
    | undefined
}

/** Finds a field of the table by name or ID (undefined when the table has none). */
export interface SqlSchemaResolver {
  field(nameOrId: string): SqlField | undefined
}

/** Options of compileFilter. */
export interface CompileSqlOptions {
  /** Epoch ms for NOW()/TODAY(); the JS residual must be evaluated with the same instant. */
  nowMs: number
  /** The evaluator's options for [?] behaviours; functions whose result depends on them compile accordingly. */
  formula?: FormulaOptions
}

/**
 * Static type of a compiled expression and the Postgres type of its SQL: number, datetime
 * (epoch ms) → float8; text → text; list (a multi-select's or text lookup's items: a non-empty
 * jsonb array of non-empty strings) → jsonb; bool → boolean; blank → a typeless NULL. SQL NULL
 * is Airtable's blank in every type.
 */
export type SqlType = 'number' | 'text' | 'bool' | 'datetime' | 'list' | 'blank'

/**
 * A compiled subexpression. `err`: true when the value is a formula error (the value is then
 * meaningless but never raises). `unsure`: true when SQL cannot decide this row exactly (the
 * row becomes a candidate for the JS residual). Both undefined when statically false.
 */
export interface Expr {
  readonly type: SqlType
  readonly sql: string
  readonly err?: string | undefined
  readonly unsure?: string | undefined
}

/** What compiling a node needs. */
export interface CompileContext {
  readonly params: SqlParams
  readonly resolver: SqlSchemaResolver
  readonly options: CompileSqlOptions
  /**
   * Binds an expression of the row to a name evaluated once per row (compile-sql.ts binds field
   * reads per conjunct). Without it, expressions are inlined wherever they are used.
   */
  readonly bind?: ((sql: string) => string) | undefined
}

/** Thrown inside the compiler for a construct it cannot translate exactly; becomes JS residual. */
export class Unsupported extends Error {
  override readonly name = 'Unsupported'
}

/** Stops compiling the current conjunct: it will be evaluated in JS. */
export function unsupported(what: string): never {
  throw new Unsupported(what)
}
