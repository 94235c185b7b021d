/**
 * The 422s a cell write can earn, with Airtable's messages verbatim (airtable-api.md §2.10, §4.3).
 * One factory per failure, so the emulator and the server's outbox say exactly the same thing;
 * each side turns a {@link CellWriteError} into its own error class (status 422 for all of them).
 */

/** The Airtable error types of a refused cell write. */
export type CellWriteErrorType =
  | 'UNKNOWN_FIELD_NAME'
  | 'INVALID_VALUE_FOR_COLUMN'
  | 'INVALID_MULTIPLE_CHOICE_OPTIONS'
  | 'ROW_DOES_NOT_EXIST'

/** A value Airtable refuses, with its `type` and message verbatim. */
export class CellWriteError extends Error {
  override readonly name = 'CellWriteError'
  readonly type: CellWriteErrorType
  constructor(type: CellWriteErrorType, message: string) {
    super(message)
    this.type = type
  }
}

/** UNKNOWN_FIELD_NAME for a field the table does not have (or the caller may not see). */
export function unknownFieldName(name: string): CellWriteError {
  return new CellWriteError('UNKNOWN_FIELD_NAME', `Unknown field name: "${name}"`)
}

/** INVALID_VALUE_FOR_COLUMN for a value of the wrong shape. */
export function invalidCellValue(fieldName: string): CellWriteError {
  return new CellWriteError(
    'INVALID_VALUE_FOR_COLUMN',
    `Field "${fieldName}" cannot accept the provided value`,
  )
}

/** INVALID_VALUE_FOR_COLUMN for any value, `null` included, written to a computed field. */
export function computedFieldValue(fieldName: string): CellWriteError {
  return new CellWriteError(
    'INVALID_VALUE_FOR_COLUMN',
    `Field "${fieldName}" cannot accept a value because the field is computed`,
  )
}

/** INVALID_MULTIPLE_CHOICE_OPTIONS for an unknown select option (note the doubled quotes). */
export function unknownSelectOption(name: string): CellWriteError {
  return new CellWriteError(
    'INVALID_MULTIPLE_CHOICE_OPTIONS',
    `Insufficient permissions to create new select option ""${name}""`,
  )
}

/** ROW_DOES_NOT_EXIST for an unknown record (updated, deleted or linked). */
export function rowDoesNotExist(recordId: string): CellWriteError {
  return new CellWriteError(
    'ROW_DOES_NOT_EXIST',
    `Record ID ${recordId} does not exist in this table`,
  )
}
