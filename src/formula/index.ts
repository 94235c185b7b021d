/**
 * Airtable's formula language: parse → AST → evaluate (JS) or compile (SQL, later).
 * CONTRACT FILE: the signatures below are what emulator/, store/, policy/ and client/ call.
 * Implementations live in the files named beside each export; this file only re-exports.
 * Browser-safe: nothing in formula/ uses Node or DOM APIs.
 */

export type { Node, Span, BinaryOperator, NodeKind, NodeOf } from './ast.ts'
export type {
  FormulaErrorValue,
  FormulaDateTime,
  FormulaValue,
  FormulaRecord,
  FormulaOptions,
  EvalContext,
  CheckOptions,
  CellContext,
  FormulaField,
  FormulaFieldResult,
} from './types.ts'

/** Thrown for formulas Airtable rejects before evaluating (422 INVALID_FILTER_BY_FORMULA). (errors.ts) */
export { FormulaError } from './errors.ts'

/**
 * Parses formula text to an AST; throws FormulaError naming position and problem, e.g.
 * `Unexpected token ")" at position 12`. (parse.ts)
 */
export { parseFormula, MAX_DEPTH, type ParseOptions } from './parse.ts'

/**
 * Parses and validates against a table: known functions, arity, field names.
 * Throws FormulaError with Airtable's message, e.g. `Unknown field names: firstname`. (check.ts)
 */
export { checkFormula, validateFormula, walk } from './check.ts'

/** AST → canonical formula text; parse(print(ast)) equals ast up to spans. (print.ts) */
export { printFormula } from './print.ts'

/** Evaluates an AST; runtime problems become error values, never exceptions. (evaluate.ts) */
export { evaluate } from './evaluate.ts'

/**
 * isTruthy: filter truthiness (airtable-formula.md §5). toText: a value as text, the way `&`
 * renders it (numbers like JS, datetimes ISO). isError: an `#ERROR!` value. (values.ts)
 */
export { isTruthy, toText, isError as isFormulaErrorValue } from './values.ts'

/**
 * cellToFormulaValue: a REST (V1) cell value of `field` as a formula sees it (§3): checkbox → true
 * or blank, date → datetime at UTC midnight, links → primary texts, percent → the fraction.
 * formulaValueToCell: a formula result as a REST (V1) cell of a formula/rollup field. (cells.ts)
 */
export { cellToFormulaValue, formulaValueToCell } from './cells.ts'

/**
 * compileFilter: a checked AST → parameterised Postgres SQL over the mirror's rows, with a JS
 * residual for what SQL cannot do exactly (never wrong rows). (compile-sql.ts)
 */
export {
  compileFilter,
  COMPILED_FUNCTIONS,
  JS_ONLY_FUNCTIONS,
  type CompiledFilter,
  type CompileSqlOptions,
  type SqlField,
  type SqlSchemaResolver,
  type SqlType,
} from './compile-sql.ts'

/**
 * Airtable's cell semantics shared by the emulator and the API: `cellFormat=string` rendering,
 * date formatting, time zones, sort order (keys and comparator), and the rules for written cells —
 * typecast, date parsing, validation and their 422s, `CellWriteError` (cells/write/).
 */
export {
  cellToString,
  CellWriteError,
  computedFieldValue,
  invalidCellValue,
  isEmptyCell,
  normalizeCell,
  rowDoesNotExist,
  unknownFieldName,
  unknownSelectOption,
  type CellWriteErrorType,
  type NormalizeCellOptions,
  type WritableField,
  choiceIndex,
  compareSortKeys,
  formatDate,
  isValidTimeZone,
  ISO_TEXT_TYPES,
  linkIds,
  NUMERIC_TYPES,
  personText,
  scalarText,
  sortByCells,
  sortKey,
  TEXT_COLLATOR,
  zoneOffsetMs,
  type CellField,
  type CellFieldOptions,
  type CellFieldResult,
  type DateStyle,
  type LinkedPrimaries,
  type ResolvedSort,
  type SortKey,
  type SortSource,
  type StringFormat,
} from './cells/index.ts'

/**
 * compileSortKey: sort specs → non-null SQL ORDER BY keys reproducing Airtable's order (or `js`
 * with the reason); orderByFragments and keysetAfter assemble ORDER BY and keyset paging
 * conditions from them. (compile-sort.ts)
 */
export {
  compileSortKey,
  keysetAfter,
  orderByFragments,
  type CompiledSort,
  type CompileSortOptions,
  type SortKeySql,
  type SortKeyType,
  type SortSqlField,
  type SortSqlSpec,
} from './compile-sort.ts'

/**
 * SQL_SUPPORT_DDL: the `airsync_*` SQL functions compiled filters call, as `create or replace`
 * statements; the store installs them in a migration. (sql/support.ts)
 */
export { SQL_SUPPORT_DDL } from './sql/support.ts'

/**
 * Keyed equalities (`{Field} = "text"`, sql/keyed.ts): which key a field's cells have and its SQL
 * expression, for the store's per-field indexes.
 */
export { fieldKeyExpr, keyKind, type KeyKind } from './sql/keyed.ts'
