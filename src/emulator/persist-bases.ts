/**
 * Wires `--data DIR` to the bases: on start each base whose snapshot file exists is restored from
 * it; afterwards every transaction schedules a coalesced, crash-safe write of that base. Other
 * parts (webhooks) persist through the same Persister with their own file names.
 */
import type { Clock } from '../shared/clock.ts'
import { Persister, readPart } from './persistence.ts'
import type { BaseRegistry } from './registry.ts'
import { EmulatedBase } from './state/index.ts'

/** Another persisted part (webhooks), written whenever a base changes or on `touch()`. */
export interface PersistedPart {
  name: string
  snapshot(): unknown
  restore(json: unknown): void
}

export interface Persistence {
  readonly persister: Persister
  /** Schedules a write of every extra part (after a change that is not a base transaction). */
  touch(): void
  /** Restores a named part written earlier, or undefined. */
  read(name: string): Promise<unknown>
  flush(): Promise<void>
  /** Resolves once every change made so far is on disk (see Persister.durable). */
  durable(): Promise<void>
  close(): Promise<void>
}

export interface AttachPersistenceOptions {
  dir: string
  bases: BaseRegistry
  clock: Clock
  delayMs: number
  onError: (error: unknown) => void
  /** Restored after the bases, saved with them. @default [] */
  parts?: readonly PersistedPart[]
}

/** File name (without `.json`) of a base's snapshot. */
export const basePartName = (baseId: string): string => `base-${baseId}`

/** Restores the bases from `dir` and persists them from now on. */
export async function attachPersistence(options: AttachPersistenceOptions): Promise<Persistence> {
  const persister = new Persister({
    dir: options.dir,
    delayMs: options.delayMs,
    onError: options.onError,
  })
  await persister.init()
  const parts = options.parts ?? []
  const touch = (): void => {
    for (const part of parts) persister.schedule(part.name, () => part.snapshot())
  }
  const unsubscribes = new Map<string, () => void>()
  const watch = (base: EmulatedBase): void => {
    const save = (): void => {
      persister.schedule(basePartName(base.id), () => base.toSnapshot())
      touch()
    }
    unsubscribes.get(base.id)?.()
    unsubscribes.set(base.id, base.subscribe(save))
    // Write the current state too (start, reset), so a restart restores exactly it.
    save()
  }
  // Only the configured bases are restored: a snapshot of a base no longer configured stays on disk.
  for (const base of options.bases.list()) {
    const snapshot = await readPart(options.dir, basePartName(base.id))
    if (snapshot !== undefined) {
      options.bases.set(EmulatedBase.fromSnapshot(snapshot, { clock: options.clock }))
    }
  }
  for (const part of parts) {
    const json = await readPart(options.dir, part.name)
    if (json !== undefined) part.restore(json)
  }
  for (const base of options.bases.list()) watch(base)
  const stopWatching = options.bases.onSet(watch)
  return {
    persister,
    touch,
    read: (name) => readPart(options.dir, name),
    flush: () => persister.flush(),
    durable: () => persister.durable(),
    close: async () => {
      stopWatching()
      for (const unsubscribe of unsubscribes.values()) unsubscribe()
      await persister.flush()
    },
  }
}
