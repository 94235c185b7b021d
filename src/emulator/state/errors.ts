/**
 * Airtable's error messages for the data model, verbatim where known (airtable-api.md §4.3).
 * One factory per failure so every call site produces exactly the same text; a cell write's
 * messages are the shared rules' (formula/cells/write/errors.ts), also the server's outbox's.
 */
import {
  computedFieldValue,
  rowDoesNotExist as cellRowDoesNotExist,
  unknownFieldName,
  type CellWriteError,
} from '../../formula/index.ts'
import { DEFAULT_MESSAGES, invalidFormulaMessage } from '../../protocol/errors.ts'
import { EmulatorError } from './types.ts'

/** 403 for an unknown table (PAT-era behaviour, airtable-api.md §4.3 policy). */
export function modelNotFound(): EmulatorError {
  return new EmulatorError({
    type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
    message: DEFAULT_MESSAGES.INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND,
  })
}

/** 404 for `GET …/{recordId}` of an unknown record. */
export function recordNotFound(): EmulatorError {
  return new EmulatorError({
    type: 'MODEL_ID_NOT_FOUND',
    message: DEFAULT_MESSAGES.MODEL_ID_NOT_FOUND,
  })
}

/** The emulator's error for a refused cell write (the shared rules' CellWriteError). */
export function fromCellWriteError(error: CellWriteError): EmulatorError {
  return new EmulatorError({ type: error.type, message: error.message })
}

/** 422 for a write (or `fields[]`) naming a field the table does not have. */
export function unknownField(name: string): EmulatorError {
  return fromCellWriteError(unknownFieldName(name))
}

/** 422 for any write to a computed field. */
export function computedField(fieldName: string): EmulatorError {
  return fromCellWriteError(computedFieldValue(fieldName))
}

/** 422 for an update of an unknown record, or a link to one. */
export function rowDoesNotExist(recordId: string): EmulatorError {
  return fromCellWriteError(cellRowDoesNotExist(recordId))
}

/** 422 for an unknown `view`. */
export function viewNotFound(view: string): EmulatorError {
  return new EmulatorError({ type: 'VIEW_NAME_NOT_FOUND', message: `View ${view} not found` })
}

/** 422 for a filter formula Airtable rejects before evaluating. */
export function invalidFilter(detail: string): EmulatorError {
  return new EmulatorError({
    type: 'INVALID_FILTER_BY_FORMULA',
    message: invalidFormulaMessage(detail),
  })
}

/** 422 for upsert misuse; the real type is undocumented [?] (airtable-api.md §2.8). */
export function invalidUpsert(message: string): EmulatorError {
  return new EmulatorError({ type: 'INVALID_UPSERT', message })
}

/** 422 for a bad request shape that has no more specific type. */
export function invalidRequest(message?: string): EmulatorError {
  return new EmulatorError({
    type: 'INVALID_REQUEST_UNKNOWN',
    message: message ?? DEFAULT_MESSAGES.INVALID_REQUEST_UNKNOWN,
  })
}
