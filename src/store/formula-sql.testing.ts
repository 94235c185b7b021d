/**
 * Test helpers of the formula-SQL differential and injection suites: a table schema covering
 * the compiled field types, fast-check arbitraries for its records and for formulas over it,
 * and the evaluator's verdict over the same rows (the oracle).
 */
import fc from 'fast-check'
import {
  checkFormula,
  evaluate,
  isTruthy,
  type FormulaOptions,
  type Node,
  type SqlField,
} from '../formula/index.ts'
import type { FilterField } from './formula-filter.ts'
import { formulaRecord } from './formula-filter.ts'
import type { MirrorRecord, RecordInput } from './records.ts'

/** A fixed instant for NOW()/TODAY(). */
export const NOW_MS = Date.UTC(2024, 2, 15, 12, 30)

interface TestField {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly options?: {
    readonly choices?: readonly { readonly name: string }[]
    readonly linkedTableId?: string
    readonly result?: { readonly type: string }
  }
}

const choices = (...names: string[]) => ({ choices: names.map((name) => ({ name })) })

/** The table: one field of each compiled type, plus awkward names. */
export const FIELDS: readonly TestField[] = [
  { id: 'fldName', name: 'Name', type: 'singleLineText' },
  { id: 'fldNotes', name: `No'tes "q" $1`, type: 'multilineText' },
  { id: 'fldNum', name: 'Num', type: 'number' },
  { id: 'fldPct', name: 'Pct', type: 'percent' },
  { id: 'fldCost', name: 'Cost', type: 'currency' },
  { id: 'fldDone', name: 'Done', type: 'checkbox' },
  {
    id: 'fldStatus',
    name: 'Status',
    type: 'singleSelect',
    options: choices('Todo', 'Doing', 'Done'),
  },
  {
    id: 'fldTags',
    name: 'Tags',
    type: 'multipleSelects',
    options: choices('Red', 'Blue', 'Green'),
  },
  { id: 'fldDue', name: 'Due', type: 'date' },
  { id: 'fldAt', name: 'At', type: 'dateTime' },
  {
    id: 'fldMails',
    name: 'Mails',
    type: 'multipleLookupValues',
    options: { result: { type: 'email' } },
  },
  { id: 'fldTotal', name: 'Total', type: 'rollup', options: { result: { type: 'number' } } },
  {
    id: 'fldLabel',
    name: 'Label',
    type: 'formula',
    options: { result: { type: 'singleLineText' } },
  },
]

/** Both views of a field this suite needs: the compiler's and the residual's. */
export type { SqlField, FilterField }

/** Field lookup by name or ID. */
export function fieldOf(nameOrId: string): TestField | undefined {
  return FIELDS.find((f) => f.name === nameOrId || f.id === nameOrId)
}

/** Text that tends to break things: blanks, numbers as text, quotes, SQL, unicode. */
const TRICKY_TEXT = [
  '',
  ' ',
  'abc',
  'ABC',
  'Abc',
  '0',
  '12',
  '3.5',
  ' 7 ',
  '-2',
  '1e3',
  '1e400',
  '.5',
  'NaN',
  'Infinity',
  'é',
  'Ärger',
  '😀',
  'a😀b',
  '\uffff',
  "it's",
  '"q"',
  '\\',
  'a\\b',
  '$1',
  '$$',
  "'; DROP TABLE records; --",
  '/* x */',
  '-- c',
  'Todo',
  'Red',
  'Red, Blue',
  '2024-03-15',
  '2024-03-15T12:30:00.000Z',
  '\t x\u00a0',
  'ß',
  'İ',
  '\u2028',
  'a,b',
  '%',
  '_',
]
const NUMBERS = [
  0, 1, -1, 2, 2.5, -2.5, 0.1, 0.3, 3, 7, 10, 100, 1e-7, 0.000001, 1e15, 1e21, 123.456, -0.5,
]

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_TEXT) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
)
const num = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  {
    weight: 1,
    arbitrary: fc
      .double({ min: -1e6, max: 1e6, noNaN: true })
      .map((x) => (Object.is(x, -0) ? 0 : x)),
  },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
)
const DAY_MS = 86_400_000
const dayMs = fc
  .integer({ min: Date.UTC(1965, 0, 1) / DAY_MS, max: Date.UTC(2035, 0, 1) / DAY_MS })
  .map((d) => d * DAY_MS)
const date = fc
  .oneof(fc.constant(Date.UTC(2024, 2, 15)), dayMs)
  .map((ms) => new Date(ms).toISOString().slice(0, 10))
const dateTime = fc
  .oneof(fc.constant(NOW_MS), fc.integer({ min: Date.UTC(1965, 0, 1), max: Date.UTC(2035, 0, 1) }))
  .map((ms) => new Date(ms).toISOString())

function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined, freq: 4 })
}

/** One record's fields (keyed by field ID), blanks omitted as Airtable omits them. */
export const fieldsArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    fldName: maybe(text),
    fldNotes: maybe(text),
    fldNum: maybe(num),
    fldPct: maybe(num),
    fldCost: maybe(num),
    fldDone: maybe(fc.constant(true)),
    fldStatus: maybe(fc.constantFrom('Todo', 'Doing', 'Done')),
    fldTags: maybe(fc.subarray(['Red', 'Blue', 'Green'], { minLength: 1 })),
    fldDue: maybe(date),
    fldAt: maybe(dateTime),
    // Lookups as Airtable sends them, plus shapes the SQL must leave to JS (empty or non-text
    // items, a bare string).
    fldMails: maybe(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.array(fc.constantFrom('a@x.io', 'b@y.io', 'Red'), {
            minLength: 1,
            maxLength: 3,
          }),
        },
        { weight: 1, arbitrary: fc.constantFrom([], [''], ['a@x.io', 3], 'a@x.io', [null]) },
      ),
    ),
    // Computed cells: their result type, or an error / special value.
    fldTotal: maybe(
      fc.oneof(
        { weight: 4, arbitrary: num },
        {
          weight: 1,
          arbitrary: fc.constantFrom({ error: '#ERROR!' }, { specialValue: 'NaN' }, '12'),
        },
      ),
    ),
    fldLabel: maybe(
      fc.oneof(
        { weight: 4, arbitrary: text },
        { weight: 1, arbitrary: fc.constantFrom({ error: '#ERROR!' }, 7, [1]) },
      ),
    ),
  })
  .map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)))

/** `count` records with IDs and creation times. */
export function recordsArb(count: number): fc.Arbitrary<RecordInput[]> {
  return fc.array(fieldsArb, { minLength: count, maxLength: count }).map((all) =>
    all.map((fields, i) => ({
      id: `rec${String(i).padStart(14, '0')}`,
      createdTime: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
      fields,
    })),
  )
}

/** A formula string literal of `value`, quoted either way. */
export function quote(value: string, double = true): string {
  const q = double ? '"' : "'"
  return q + value.replaceAll('\\', '\\\\').replaceAll(q, `\\${q}`) + q
}

/** A field reference to `name`. */
export function ref(name: string): string {
  return `{${name.replaceAll('\\', '\\\\').replaceAll('}', '\\}')}}`
}

const LITERAL_TEXT = [
  '',
  ' ',
  'abc',
  'ABC',
  '0',
  '12',
  '3.5',
  'Todo',
  'Red',
  'Red, Blue',
  '2024-03-15',
  '2024-03-15T12:30:00.000Z',
  '2024-03-01',
  "it's",
  '\\',
  '😀',
  'é',
  '$1',
]

const literal: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '1', '2', '2.5', '10', '0.1', '100', '1000000'),
  fc.tuple(fc.constantFrom(...LITERAL_TEXT), fc.boolean()).map(([v, d]) => quote(v, d)),
  fc.constantFrom(
    'BLANK()',
    'TRUE()',
    'FALSE()',
    'TRUE',
    'FALSE',
    'ERROR()',
    'NOW()',
    'TODAY()',
    'RECORD_ID()',
    'CREATED_TIME()',
  ),
)
const fieldRef = fc.constantFrom(...FIELDS.map((f) => ref(f.name)))
const BINARY = ['+', '-', '*', '/', '&', '=', '!=', '<', '>', '<=', '>=']
const UNARY_FUNCTIONS = [
  'NOT',
  'LEN',
  'TRIM',
  'LOWER',
  'UPPER',
  'ABS',
  'INT',
  'T',
  'ISERROR',
  'YEAR',
  'MONTH',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'WEEKDAY',
  'VALUE',
  'ROUND',
  'ROUNDUP',
  'ROUNDDOWN',
  'SQRT',
  'EVEN',
  'ODD',
  'DATESTR',
  'TIMESTR',
  'TONOW',
  'ARRAYJOIN',
  'DATETIME_FORMAT',
]
const BINARY_FUNCTIONS = [
  'FIND',
  'SEARCH',
  'LEFT',
  'RIGHT',
  'IS_BEFORE',
  'IS_AFTER',
  'DATETIME_DIFF',
  'MOD',
  'POWER',
  'ROUND',
  'IS_SAME',
  'ARRAYJOIN',
]
const VARIADIC_FUNCTIONS = [
  'AND',
  'OR',
  'XOR',
  'CONCATENATE',
  'SUM',
  'MAX',
  'MIN',
  'COUNT',
  'COUNTA',
  'AVERAGE',
]
const UNITS = ['"days"', '"hours"', '"ms"', '"s"', '"weeks"', '"minutes"', '"months"', '"bogus"']
const UNITS_OF_IS_SAME = [...UNITS, '"year"', '"quarter"', '"d"']
const FORMATS = [
  '"YYYY-MM-DD"',
  '"YYYY-MM"',
  '"M/D/YY h:mm A"',
  '"HH:mm:ss.SSS"',
  '"[Week of] D"',
  '"MMM"',
  '"DDD"',
  '""',
]
const WEEK_STARTS = ['"monday"', '"Sunday "', '""', '"friday"']
/** Patterns inside and outside the SQL-compiled regex subset (sql/regex.ts). */
const PATTERNS = [
  '^a',
  'b$',
  'a.b',
  '[0-9]+',
  '\\d{2,}',
  '^[A-Z][a-z]*$',
  '(Red|Blue)',
  'x?y*?',
  '\\s',
  '\\W',
  '[^a-c]',
  '\\.',
  '😀',
  '(?i)abc',
  '^.$',
  '[\\w-]+@',
]

/** Formula text from a small grammar over the table's fields, literals and functions. */
export const formulaArb: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    fieldRef,
    fieldRef,
    fc
      .tuple(tie('expr'), fc.constantFrom(...BINARY), tie('expr'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('expr').map((a) => `-${a}`),
    fc.tuple(fc.constantFrom(...UNARY_FUNCTIONS), tie('expr')).map(([f, a]) => `${f}(${a})`),
    fc
      .tuple(fc.constantFrom(...BINARY_FUNCTIONS), tie('expr'), tie('expr'))
      .map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc
      .tuple(tie('expr'), tie('expr'), fc.constantFrom(...UNITS))
      .map(([a, b, u]) => `DATETIME_DIFF(${a}, ${b}, ${u})`),
    fc
      .tuple(tie('expr'), tie('expr'), fc.constantFrom(...UNITS))
      .map(([a, b, u]) => `DATEADD(${a}, ${b}, ${u})`),
    fc
      .tuple(tie('expr'), tie('expr'), fc.constantFrom(...UNITS_OF_IS_SAME))
      .map(([a, b, u]) => `IS_SAME(${a}, ${b}, ${u})`),
    fc
      .tuple(tie('expr'), fc.constantFrom(...FORMATS))
      .map(([a, f]) => `DATETIME_FORMAT(${a}, ${f})`),
    fc.tuple(tie('expr'), fc.constantFrom(...WEEK_STARTS)).map(([a, w]) => `WEEKDAY(${a}, ${w})`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, b, c]) => `MID(${a}, ${b}, ${c})`),
    fc
      .tuple(tie('expr'), fc.constantFrom(...PATTERNS), fc.boolean())
      .map(([a, p, d]) => `REGEX_MATCH(${a}, ${quote(p, d)})`),
    fc
      .tuple(tie('expr'), fc.array(tie('expr'), { minLength: 2, maxLength: 5 }))
      .map(([s, rest]) => `SWITCH(${s}, ${rest.join(', ')})`),
    fc
      .tuple(
        fc.constantFrom(...VARIADIC_FUNCTIONS),
        fc.array(tie('expr'), { minLength: 1, maxLength: 3 }),
      )
      .map(([f, args]) => `${f}(${args.join(', ')})`),
    fc
      .tuple(tie('expr'), tie('expr'), fc.option(tie('expr'), { nil: undefined }))
      .map(([c, t, e]) => (e === undefined ? `IF(${c}, ${t})` : `IF(${c}, ${t}, ${e})`)),
  ),
})).expr

/** Parses and checks a formula against {@link FIELDS}. */
export function parse(formula: string): Node {
  return checkFormula(formula, { hasField: (name) => fieldOf(name) !== undefined })
}

/** The evaluator's verdict: IDs of the rows the formula keeps. */
export function expectedIds(
  rows: readonly MirrorRecord[],
  ast: Node,
  options?: FormulaOptions,
): string[] {
  return rows
    .filter((row) => {
      const context = {
        record: formulaRecord(row, { field: fieldOf }),
        nowMs: NOW_MS,
        ...(options === undefined ? {} : { options }),
      }
      return isTruthy(evaluate(ast, context))
    })
    .map((row) => row.id)
}
