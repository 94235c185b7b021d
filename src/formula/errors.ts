/**
 * The one exception of the formula module: a formula Airtable rejects before evaluating it
 * (HTTP 422 INVALID_FILTER_BY_FORMULA). Runtime problems are values, never exceptions.
 */

/** Thrown for formulas Airtable rejects before evaluating (422 INVALID_FILTER_BY_FORMULA). */
export class FormulaError extends Error {
  override readonly name = 'FormulaError'
  /** Where the problem is (0-based character offset), when it is one place. */
  readonly position: number | undefined
  constructor(message: string, position?: number) {
    super(message)
    this.position = position
  }
}
