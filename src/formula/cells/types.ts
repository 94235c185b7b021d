/**
 * The schema shapes Airtable's cell semantics read (rendering as text, sort order), declared
 * structurally because formula/ may import only shared/ (STYLE.md): every protocol `Field` fits
 * {@link CellField}. Linked records' primary cells come through {@link LinkedPrimaries}, which
 * the emulator answers from its tables and the API from the mirror.
 */

/** Field options the cell helpers read; every protocol `FieldOptions` fits. */
export interface CellFieldOptions {
  readonly choices?: readonly { readonly name: string }[] | undefined
  readonly precision?: number | undefined
  /** A rating's highest value. */
  readonly max?: number | undefined
  readonly symbol?: string | undefined
  readonly timeZone?: string | undefined
  readonly dateFormat?: { readonly format: string } | undefined
  readonly timeFormat?: { readonly format: string } | undefined
  readonly linkedTableId?: string | undefined
  readonly result?: CellFieldResult | undefined
}

/** The result type of a formula, rollup or lookup field. */
export interface CellFieldResult {
  readonly type: string
  readonly options?: CellFieldOptions | undefined
}

/** A field as cell rendering and sorting see it. */
export interface CellField {
  readonly id: string
  readonly type: string
  readonly options?: CellFieldOptions | undefined
}

/** A field as a cell write sees it (errors name it). */
export interface WritableField extends CellField {
  readonly name: string
}

/** Linked records' primary cells, by linked table ID and record ID. */
export interface LinkedPrimaries {
  /** The linked table's primary field; undefined when the table is unknown. */
  primaryField(tableId: string): CellField | undefined
  /** The primary cell of a linked record; undefined when blank or unknown. */
  primaryCell(tableId: string, recordId: string): unknown
}
