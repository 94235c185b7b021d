/**
 * Airtable's rules for written cells — typecast, date parsing, validation, the 422s — in one
 * place, because the emulator must refuse exactly what the server's outbox refuses (and the other
 * way round). Pure; state enters through normalizeCell's hooks.
 */
export {
  CellWriteError,
  computedFieldValue,
  invalidCellValue,
  rowDoesNotExist,
  unknownFieldName,
  unknownSelectOption,
  type CellWriteErrorType,
} from './errors.ts'
export { isEmptyCell, normalizeCell, type NormalizeCellOptions } from './normalize.ts'
