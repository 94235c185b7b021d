/** Typed errors of the store (STYLE habit 7). */

/** The store was asked something it cannot do: closed database, bad configuration, bad input. */
export class StoreError extends Error {
  override readonly name: string = 'StoreError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** A migration failed; nothing of it was applied (it runs in the migration transaction). */
export class MigrationError extends StoreError {
  override readonly name = 'MigrationError'
  readonly version: number
  constructor(init: { version: number; message: string; cause?: unknown }) {
    super(`migration ${init.version}: ${init.message}`, { cause: init.cause })
    this.version = init.version
  }
}
