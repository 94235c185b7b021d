/**
 * Airtable's cell semantics that are not formulas but that the emulator and the API must share
 * exactly: `cellFormat=string` rendering, date formatting, time zones, the sort order, and what a
 * write may put in a cell (write/).
 * Pure (Intl only), browser-safe.
 */
export type {
  CellField,
  CellFieldOptions,
  CellFieldResult,
  LinkedPrimaries,
  WritableField,
} from './types.ts'
export { linkIds, personText, scalarText } from './text.ts'
export { isValidTimeZone, zoneOffsetMs } from './zones.ts'
export { formatDate, type DateStyle, type StringFormat } from './format-date.ts'
export { cellToString } from './render-string.ts'
export {
  choiceIndex,
  compareSortKeys,
  ISO_TEXT_TYPES,
  NUMERIC_TYPES,
  sortByCells,
  sortKey,
  TEXT_COLLATOR,
  type ResolvedSort,
  type SortKey,
  type SortSource,
} from './sort.ts'
export {
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
} from './write/index.ts'
