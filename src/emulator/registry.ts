/**
 * The bases an emulator serves, by ID. Unknown IDs answer 403
 * INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND, as Airtable does for PATs (airtable-api.md §4.3).
 */
import type { EmulatedBase } from './state/index.ts'
import { modelNotFound } from './state/errors.ts'

export class BaseRegistry {
  readonly #bases = new Map<string, EmulatedBase>()
  readonly #listeners = new Set<(base: EmulatedBase) => void>()

  constructor(bases: Iterable<EmulatedBase> = []) {
    for (const base of bases) this.#bases.set(base.id, base)
  }

  /** The base, or throws 403. */
  require(baseId: string): EmulatedBase {
    const base = this.#bases.get(baseId)
    if (base === undefined) throw modelNotFound()
    return base
  }

  get(baseId: string): EmulatedBase | undefined {
    return this.#bases.get(baseId)
  }

  list(): EmulatedBase[] {
    return [...this.#bases.values()]
  }

  /** Adds or replaces a base (reset, restore); listeners hear about it. */
  set(base: EmulatedBase): void {
    this.#bases.set(base.id, base)
    for (const listener of this.#listeners) listener(base)
  }

  /** Calls `listener` whenever a base is added or replaced; returns unsubscribe. */
  onSet(listener: (base: EmulatedBase) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
