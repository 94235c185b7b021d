/**
 * A formula field's `options.result` (airtable-api.md §6), inferred from its AST the way Airtable
 * shows it in the schema: dates from date functions, numbers from arithmetic and numeric
 * functions, text from `&` and text functions, a referenced field's own type. Undefined when the
 * type depends on data (IF with mixed branches, unknown functions): the value is then read as is.
 */
import type { Node } from '../../formula/index.ts'
import { isComputedField } from '../../protocol/index.ts'
import type { TableState } from './table-state.ts'

const DATE_FUNCTIONS = new Set([
  'NOW',
  'TODAY',
  'DATEADD',
  'DATETIME_PARSE',
  'SET_TIMEZONE',
  'SET_LOCALE',
  'CREATED_TIME',
  'LAST_MODIFIED_TIME',
  'WORKDAY',
])
const NUMBER_FUNCTIONS = new Set([
  'SUM',
  'AVERAGE',
  'MAX',
  'MIN',
  'ROUND',
  'ROUNDUP',
  'ROUNDDOWN',
  'CEILING',
  'FLOOR',
  'ABS',
  'INT',
  'MOD',
  'POWER',
  'SQRT',
  'EXP',
  'LOG',
  'VALUE',
  'LEN',
  'FIND',
  'SEARCH',
  'COUNT',
  'COUNTA',
  'COUNTALL',
  'DATETIME_DIFF',
  'YEAR',
  'MONTH',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'WEEKDAY',
  'WEEKNUM',
  'WORKDAY_DIFF',
  'TONOW',
  'FROMNOW',
  'EVEN',
  'ODD',
])
const TEXT_FUNCTIONS = new Set([
  'CONCATENATE',
  'LOWER',
  'UPPER',
  'TRIM',
  'LEFT',
  'RIGHT',
  'MID',
  'SUBSTITUTE',
  'REPLACE',
  'REPT',
  'T',
  'ENCODE_URL_COMPONENT',
  'DATETIME_FORMAT',
  'DATESTR',
  'TIMESTR',
  'RECORD_ID',
  'ARRAYJOIN',
  'REGEX_EXTRACT',
  'REGEX_REPLACE',
])
const DATE_TYPES = new Set(['date', 'dateTime', 'createdTime', 'lastModifiedTime'])

/** The inferred `{type}` of a formula's result, or undefined; see the module header. */
export function inferFormulaResult(table: TableState, node: Node): { type: string } | undefined {
  const type = inferType(table, node)
  return type === undefined ? undefined : { type }
}

function inferType(table: TableState, node: Node): string | undefined {
  switch (node.kind) {
    case 'number':
      return 'number'
    case 'string':
      return 'singleLineText'
    case 'boolean':
      return undefined
    case 'unary':
      return 'number'
    case 'binary':
      if (node.op === '&') return 'singleLineText'
      if (node.op === '+' || node.op === '-') {
        const left = inferType(table, node.left)
        return left !== undefined && DATE_TYPES.has(left) ? undefined : 'number'
      }
      return node.op === '*' || node.op === '/' ? 'number' : undefined
    case 'field': {
      const field = table.field(node.name)
      if (!field || isComputedField(field)) return undefined
      return field.type
    }
    case 'call': {
      if (DATE_FUNCTIONS.has(node.name)) return 'dateTime'
      if (NUMBER_FUNCTIONS.has(node.name)) return 'number'
      if (TEXT_FUNCTIONS.has(node.name)) return 'singleLineText'
      if (node.name === 'IF' || node.name === 'SWITCH') {
        const branches =
          node.name === 'IF' ? node.args.slice(1) : node.args.slice(2).filter((_, i) => i % 2 === 0)
        const types = new Set(branches.map((b) => inferType(table, b)))
        return types.size === 1 ? [...types][0] : undefined
      }
      return undefined
    }
  }
}
