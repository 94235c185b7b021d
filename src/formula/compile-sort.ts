/**
 * Sort specs → parameterised Postgres ORDER BY keys over the mirror's rows (`r.fields` jsonb keyed
 * by field ID), reproducing Airtable's order as the emulator implements it (cells/sort.ts):
 * blanks first ascending and last descending, numbers before text before number lists, numbers
 * numerically, text by the `en` collation at secondary strength (case-insensitive,
 * accent-sensitive; a nondeterministic ICU collation the store creates), ISO dates as binary
 * text, single selects by choice position, multiple selects as lists of positions, checkboxes
 * unchecked first, links by their records' primary text, collaborators and attachments by name.
 *
 * Invariants:
 * - Every key is a non-null expression that never raises (casts are guarded by `jsonb_typeof`),
 *   so keys compare with plain `<`, `=`, `>` and a keyset position is a tuple of values.
 * - Field IDs, choice names and linked table IDs reach SQL only as parameters.
 * - A field type whose order SQL cannot reproduce compiles to `{kind: 'js'}` with the reason; the
 *   caller sorts in JS. Known divergences kept in SQL (pinned nowhere, rare in practice): numbers
 *   inside mixed arrays and in linked primaries are shown by Postgres (`1e+21` is spelt out), and
 *   nested arrays and objects as linked primaries are shown as jsonb text; Postgres's ICU version
 *   may order exotic characters differently from Node's.
 */
import { ISO_TEXT_TYPES, NUMERIC_TYPES } from './cells/index.ts'
import { quoteIdent, SqlParams, type SqlFragment } from './sql/fragment.ts'

/** A field as the sort compiler needs it (every protocol `Field` fits). */
export interface SortSqlField {
  readonly id: string
  readonly type: string
  readonly options?:
    | {
        readonly choices?: readonly { readonly name: string }[] | undefined
        readonly linkedTableId?: string | undefined
      }
    | undefined
}

/** One sort spec, resolved to a field. */
export interface SortSqlSpec {
  readonly field: SortSqlField
  readonly descending: boolean
}

/** Options of {@link compileSortKey}. */
export interface CompileSortOptions {
  /**
   * The collation text keys use (`en` at secondary strength, nondeterministic); undefined when
   * the database has none, and then text-keyed sorts compile to `js`.
   */
  textCollation: string | undefined
  /** A linked table's primary field (for link sorts); undefined when the table is unknown. */
  primaryField(tableId: string): SortSqlField | undefined
}

/** The Postgres type of a key, for casting keyset parameters. */
export type SortKeyType = 'int' | 'numeric' | 'text' | 'int[]' | 'bigint' | 'timestamptz'

/** One ORDER BY key: a non-null expression, its direction and type. */
export interface SortKeySql {
  readonly expr: SqlFragment
  readonly descending: boolean
  readonly type: SortKeyType
  /** The collation text keys compare with (quoted when assembled). */
  readonly collation?: string | undefined
}

/** The compiled sort: keys to order by, or the reason it must run in JS. */
export type CompiledSort =
  | { readonly kind: 'sql'; readonly keys: readonly SortKeySql[] }
  | { readonly kind: 'js'; readonly reason: string }

const BINARY = 'C'
/** Unknown choices sort after every known one (the JS side uses MAX_SAFE_INTEGER). */
const UNKNOWN_CHOICE = 2147483647
const TEXT_TYPES = new Set([
  'singleLineText',
  'multilineText',
  'richText',
  'email',
  'url',
  'phoneNumber',
])

/** Compiles sort specs (in priority order) to keys; see the module header. */
export function compileSortKey(
  specs: readonly SortSqlSpec[],
  options: CompileSortOptions,
): CompiledSort {
  const keys: SortKeySql[] = []
  for (const spec of specs) {
    const compiled = fieldKeys(spec.field, options)
    if (typeof compiled === 'string') return { kind: 'js', reason: compiled }
    for (const key of compiled) keys.push({ ...key, descending: spec.descending })
  }
  return { kind: 'sql', keys }
}

type Key = Omit<SortKeySql, 'descending'>

/** The keys of one field, or why SQL cannot order by it. */
function fieldKeys(field: SortSqlField, options: CompileSortOptions): Key[] | string {
  const p = new SqlParams()
  const cell = `(r.fields -> ${p.text(field.id)})`
  const type = (of: string): string => `jsonb_typeof(${of})`
  const key = (sql: string, keyType: SortKeyType, collation?: string): Key => ({
    expr: p.fragment(sql),
    type: keyType,
    ...(collation !== undefined && { collation }),
  })
  if (NUMERIC_TYPES.has(field.type)) {
    const isNumber = `${type(cell)} = ${p.text('number')}`
    return [
      key(`(CASE WHEN ${isNumber} THEN 1 ELSE 0 END)`, 'int'),
      key(`(CASE WHEN ${isNumber} THEN ${cell}::numeric ELSE 0 END)`, 'numeric'),
    ]
  }
  switch (field.type) {
    case 'checkbox':
      return [key(`(CASE WHEN ${cell} = to_jsonb(true) THEN 1 ELSE 0 END)`, 'int')]
    case 'singleSelect': {
      const present = `${type(cell)} <> ${p.text('null')}`
      return [
        key(`(CASE WHEN ${present} THEN 1 ELSE 0 END)`, 'int'),
        key(choicePosition(p, { field, item: cell }), 'int'),
      ]
    }
    case 'multipleSelects': {
      const isArray = `${type(cell)} = ${p.text('array')}`
      const positions = `ARRAY(SELECT ${choicePosition(p, { field, item: 'e.v' })} FROM jsonb_array_elements(CASE WHEN ${isArray} THEN ${cell} END) WITH ORDINALITY AS e(v, o) ORDER BY e.o)`
      return [key(`(CASE WHEN ${isArray} THEN 1 ELSE 0 END)`, 'int'), key(positions, 'int[]')]
    }
    case 'multipleRecordLinks':
    case 'singleCollaborator':
    case 'multipleCollaborators':
    case 'multipleAttachments': {
      if (options.textCollation === undefined) return `${field.type} sorts by text: no collation`
      const text = textOf(p, { field, cell, options })
      if (text === undefined) return `${field.type}: the linked primary field is not text or number`
      const present =
        field.type === 'singleCollaborator'
          ? `${text} IS NOT NULL`
          : field.type === 'multipleRecordLinks'
            ? `${type(cell)} <> ${p.text('null')}`
            : `${type(cell)} = ${p.text('array')}`
      return [
        key(`(CASE WHEN ${present} THEN 2 ELSE 0 END)`, 'int'),
        key(`COALESCE(${text}, ${p.text('')})`, 'text', options.textCollation),
      ]
    }
    default: {
      const collation = ISO_TEXT_TYPES.has(field.type) ? BINARY : options.textCollation
      if (collation === undefined) return `${field.type} sorts by text: no collation`
      return valueKeys(p, { cell, collation }).map((k) => key(k.sql, k.type, k.collation))
    }
  }
}

/** The 0-based position of a select item among the field's choices (unknown: after all). */
function choicePosition(p: SqlParams, at: { field: SortSqlField; item: string }): string {
  const names = (at.field.options?.choices ?? []).map((c) => c.name)
  const choices = `${p.text(`{${names.map(arrayLiteralItem).join(',')}}`)}::text[]`
  const position = `array_position(${choices}, ${at.item} #>> ${p.add('{}', 'text[]')})`
  return `(CASE WHEN jsonb_typeof(${at.item}) = ${p.text('string')} THEN COALESCE(${position} - 1, ${UNKNOWN_CHOICE}) ELSE ${UNKNOWN_CHOICE} END)`
}

/** A text[] literal item: double-quoted, with `"` and `\` escaped (the literal is a parameter). */
function arrayLiteralItem(name: string): string {
  return `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

/** `name ?? filename ?? email ?? id` of a jsonb object, when that is a string (personText). */
function personTextSql(p: SqlParams, of: string): string {
  const jsonNull = `${p.add('null', 'text')}::jsonb`
  const attr = (name: string): string => `NULLIF(${of} -> ${p.text(name)}, ${jsonNull})`
  const first = `COALESCE(${attr('name')}, ${attr('filename')}, ${attr('email')}, ${attr('id')})`
  return `(CASE WHEN jsonb_typeof(${of}) = ${p.text('object')} AND jsonb_typeof(${first}) = ${p.text('string')} THEN ${first} #>> ${p.add('{}', 'text[]')} END)`
}

/**
 * The sort text of a link or collaborator cell (NULL when the cell reads as blank), or undefined
 * when a link's primary field is of a type whose text SQL cannot reproduce.
 */
function textOf(
  p: SqlParams,
  at: { field: SortSqlField; cell: string; options: CompileSortOptions },
): string | undefined {
  const { field, cell } = at
  const path = p.add('{}', 'text[]')
  const sep = p.text(', ')
  const isArray = `jsonb_typeof(${cell}) = ${p.text('array')}`
  if (field.type === 'singleCollaborator') return personTextSql(p, cell)
  if (field.type !== 'multipleRecordLinks') {
    return `(CASE WHEN ${isArray} THEN COALESCE((SELECT string_agg(COALESCE(${personTextSql(p, 'e.v')}, ${p.text('')}), ${sep} ORDER BY e.o) FROM jsonb_array_elements(${cell}) WITH ORDINALITY AS e(v, o)), ${p.text('')}) END)`
  }
  const tableId = field.options?.linkedTableId ?? ''
  const primary = at.options.primaryField(tableId)
  if (primary === undefined)
    return `(CASE WHEN jsonb_typeof(${cell}) <> ${p.text('null')} THEN ${p.text('')} END)`
  if (!TEXT_TYPES.has(primary.type) && !NUMERIC_TYPES.has(primary.type)) return undefined
  const names = `SELECT string_agg(COALESCE(l.fields -> ${p.text(primary.id)} #>> ${path}, ${p.text('')}), ${sep} ORDER BY e.o)
    FROM jsonb_array_elements(${cell}) WITH ORDINALITY AS e(v, o)
    LEFT JOIN records l ON l.base_id = r.base_id AND l.table_id = ${p.text(tableId)} AND l.id = e.v #>> ${path}
    WHERE jsonb_typeof(e.v) = ${p.text('string')}`
  return `(CASE WHEN ${isArray} THEN COALESCE((${names}), ${p.text('')}) WHEN jsonb_typeof(${cell}) <> ${p.text('null')} THEN ${p.text('')} END)`
}

/**
 * Keys of cells whose type is known only at run time (text, dates, formulas, rollups, lookups):
 * rank (0 blank, 1 number or boolean or all-number list, 2 text or other list), number, text.
 */
function valueKeys(
  p: SqlParams,
  at: { cell: string; collation: string },
): { sql: string; type: SortKeyType; collation?: string }[] {
  const { cell } = at
  const path = p.add('{}', 'text[]')
  const t = (name: string): string => p.text(name)
  const allNumbers = `(jsonb_array_length(${cell}) > 0 AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${cell}) AS a(v) WHERE jsonb_typeof(a.v) <> ${t('number')}))`
  const typeOf = `jsonb_typeof(${cell})`
  const rank = `(CASE ${typeOf} WHEN ${t('number')} THEN 1 WHEN ${t('boolean')} THEN 1 WHEN ${t('string')} THEN 2 WHEN ${t('array')} THEN (CASE WHEN ${allNumbers} THEN 1 ELSE 2 END) ELSE 0 END)`
  const number = `(CASE ${typeOf} WHEN ${t('number')} THEN ${cell}::numeric WHEN ${t('boolean')} THEN (CASE WHEN ${cell} = to_jsonb(true) THEN 1 ELSE 0 END) WHEN ${t('array')} THEN (CASE WHEN ${allNumbers} THEN (${cell} -> 0)::numeric ELSE 0 END) ELSE 0 END)`
  const item = `(CASE jsonb_typeof(e.v) WHEN ${t('object')} THEN COALESCE(${personTextSql(p, 'e.v')}, ${t('')}) WHEN ${t('null')} THEN ${t('null')} ELSE e.v #>> ${path} END)`
  const joined = `COALESCE((SELECT string_agg(${item}, ${t(', ')} ORDER BY e.o) FROM jsonb_array_elements(${cell}) WITH ORDINALITY AS e(v, o)), ${t('')})`
  const text = `(CASE ${typeOf} WHEN ${t('string')} THEN ${cell} #>> ${path} WHEN ${t('array')} THEN (CASE WHEN ${allNumbers} THEN ${t('')} ELSE ${joined} END) ELSE ${t('')} END)`
  return [
    { sql: rank, type: 'int' },
    { sql: number, type: 'numeric' },
    { sql: text, type: 'text', collation: at.collation },
  ]
}

/** `expr [COLLATE c] ASC|DESC` fragments, in key order. */
export function orderByFragments(keys: readonly SortKeySql[]): SqlFragment[] {
  return keys.map((k) => ({
    text: `${collated(k.expr.text, k.collation)} ${k.descending ? 'DESC' : 'ASC'}`,
    params: k.expr.params,
  }))
}

/**
 * The keyset condition "strictly after the row whose keys are `values`" in the order of `keys`:
 * `k1 > v1 OR (k1 = v1 AND (k2 > v2 OR …))`, `<` for descending keys. Values are parameters.
 */
export function keysetAfter(keys: readonly SortKeySql[], values: readonly unknown[]): SqlFragment {
  if (keys.length !== values.length || keys.length === 0) {
    throw new Error(`keyset: ${keys.length} keys, ${values.length} values`)
  }
  const params: unknown[] = []
  const term = (k: SortKeySql, value: unknown, op: string): string => {
    const shift = params.length
    params.push(...k.expr.params)
    const expr = k.expr.text.replace(/\$(\d+)/g, (_m, d: string) => `$${Number(d) + shift}`)
    params.push(value)
    return `${collated(expr, k.collation)} ${op} $${params.length}::${k.type}`
  }
  let text = ''
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i] as SortKeySql
    const after = term(k, values[i], k.descending ? '<' : '>')
    text = text === '' ? after : `(${after} OR (${term(k, values[i], '=')} AND ${text}))`
  }
  return { text, params }
}

function collated(expr: string, collation: string | undefined): string {
  return collation === undefined ? expr : `(${expr} COLLATE ${quoteIdent(collation)})`
}
