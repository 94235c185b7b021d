/**
 * The mutable fault settings of a running emulator (CLI flags at start, `PUT /__emulator/faults`
 * at run time) plus the hung requests it must release on close.
 */
import type { RequestClass } from './classify.ts'
import {
  faultSettingsSchema,
  planFault,
  type FaultPlan,
  type FaultSettings,
  type FaultSettingsInput,
} from './faults.ts'

export class FaultController {
  #settings: FaultSettings
  readonly #random: () => number
  readonly #hangs = new Set<() => void>()

  constructor(settings: FaultSettingsInput, random: () => number) {
    this.#settings = faultSettingsSchema.parse(settings)
    this.#random = random
  }

  /** The current settings. */
  get settings(): FaultSettings {
    return this.#settings
  }

  /** Replaces the settings (unlisted keys fall back to defaults); throws ZodError when invalid. */
  set(input: FaultSettingsInput): FaultSettings {
    this.#settings = faultSettingsSchema.parse(input)
    return this.#settings
  }

  /** What to do with one request. Control requests are never faulted. */
  plan(request: RequestClass): FaultPlan {
    if (request.endpoint === 'control') return { delayMs: 0, action: { kind: 'pass' } }
    const scope = request.baseId === undefined ? { isWrite: request.isWrite } : request
    return planFault(this.#settings, scope, this.#random)
  }

  /** Resolves when the client aborts or the emulator closes; never otherwise. */
  hang(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const release = (): void => {
        this.#hangs.delete(release)
        signal.removeEventListener('abort', release)
        resolve()
      }
      if (signal.aborted) return resolve()
      this.#hangs.add(release)
      signal.addEventListener('abort', release, { once: true })
    })
  }

  /** Number of requests hanging right now. */
  get hanging(): number {
    return this.#hangs.size
  }

  /** Releases every hung request (close, tests). */
  releaseHangs(): void {
    for (const release of [...this.#hangs]) release()
  }
}
