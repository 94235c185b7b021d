/**
 * Value and context types of the formula engine (airtable-formula.md §3). Types only; re-exported
 * unchanged by index.ts, which is the module's public face.
 */

/** A formula error value (`#ERROR!`), carried as a value; filters treat it as false. */
export interface FormulaErrorValue {
  readonly kind: 'error'
  readonly message: string
}

/** A datetime instant (epoch ms, UTC) plus the formatting modifiers SET_TIMEZONE/SET_LOCALE add. */
export interface FormulaDateTime {
  readonly kind: 'datetime'
  readonly ms: number
  readonly timeZone?: string
  readonly locale?: string
}

/**
 * What a formula computes with. `null` is blank; datetimes are `{kind:'datetime', ms}` instants
 * (UTC); arrays come from lookups, rollups, multi-selects and links.
 */
export type FormulaValue =
  null | number | string | boolean | FormulaDateTime | FormulaErrorValue | readonly FormulaValue[]

/** The record a formula is evaluated against. */
export interface FormulaRecord {
  readonly id: string
  /** Epoch ms. */
  readonly createdTimeMs: number
  /** The value of a field (by name or ID) as a formula sees it; see cellToFormulaValue. */
  field(nameOrId: string): FormulaValue
  /** Epoch ms of the last edit of the record, or of the listed fields. */
  lastModifiedTimeMs(fieldNamesOrIds?: readonly string[]): number | null
}

/**
 * Behaviour the reference marks uncertain ([?]); each is configurable. Every property is optional
 * and its default is the reading of airtable-formula.md we think most likely.
 */
export interface FormulaOptions {
  /** MID's start is 1-based (Excel, community idiom) unless set (old doc example, teable). @default false */
  midZeroBased?: boolean
  /** SEARCH ignores case (Excel) when set; Airtable does not document it (§9.1 [?]). @default false */
  searchCaseInsensitive?: boolean
  /** What REGEX_EXTRACT returns without a match (§9.7 [?]). @default 'error' */
  regexExtractNoMatch?: 'error' | 'blank'
  /** MOD's sign: of the dividend (JS `%`) or of the divisor (Excel) (§9.3 [?]). @default 'dividend' */
  modSign?: 'dividend' | 'divisor'
}

/** What evaluate() needs besides the AST. */
export interface EvalContext {
  record: FormulaRecord
  /** Epoch ms for NOW()/TODAY(). */
  nowMs: number
  options?: FormulaOptions
}

/** What checkFormula() validates against. */
export interface CheckOptions {
  /** True when the table has a field with this exact name or ID. */
  hasField(nameOrId: string): boolean
}

/** How linked records show inside formulas: their primary field's display text. */
export interface CellContext {
  linkedPrimaryText(linkedTableId: string, recordId: string): string
}

/**
 * The part of a schema field (protocol/schema.ts `Field`) that cell conversion reads. Declared
 * here structurally because formula/ may import only shared/ (STYLE.md); every `Field` fits it.
 */
export interface FormulaField {
  readonly type: string
  readonly options?:
    | {
        readonly linkedTableId?: string | undefined
        readonly result?: FormulaFieldResult | undefined
      }
    | undefined
}

/** The result type of a formula, rollup or lookup field. */
export interface FormulaFieldResult {
  readonly type: string
  readonly options?: FormulaField['options']
}
