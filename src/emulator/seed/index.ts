/**
 * Seeds: declarative base definitions (definition.ts), their loader, and the built-in bases
 * `empty` and `presence`.
 *
 * @example
 * const base = loadSeed('presence', { clock })          // EmulatedBase appPresenceDemo01
 * const own = loadSeed({ file: 'my-base.json' })
 */
import { readFileSync } from 'node:fs'
import type { EmulatedBase } from '../state/index.ts'
import type { BaseDefinition } from './definition.ts'
import { loadBaseDefinition, startOfUtcDay, type LoadOptions } from './load.ts'
import { presenceDefinition } from './presence.ts'
import type { PresenceScale } from './presence-records.ts'
import { BaseDefinitionError } from './validate.ts'
import { systemClock } from '../../shared/clock.ts'

export {
  baseDefinitionSchema,
  type BaseDefinition,
  type ParsedBaseDefinition,
} from './definition.ts'
export { loadBaseDefinition, type LoadOptions } from './load.ts'
export { BaseDefinitionError, parseBaseDefinition } from './validate.ts'
export { PRESENCE_BASE_ID, presenceDefinition } from './presence.ts'
export {
  DEMO_HOST_EMAIL,
  DEMO_MEMBER_EMAIL,
  PRESENCE_COUNTS,
  type PresenceScale,
} from './presence-records.ts'
export { TABLES as PRESENCE_TABLES } from './presence-schema.ts'

export const EMPTY_BASE_ID = 'appEmptyBase00001'
export const SEED_NAMES = ['presence', 'empty'] as const
export type SeedName = (typeof SEED_NAMES)[number]

/** The empty base: one table with a Name and Notes field, no records. */
export function emptyDefinition(): BaseDefinition {
  return {
    id: EMPTY_BASE_ID,
    name: 'Empty base',
    seed: 'empty-v1',
    tables: [
      {
        name: 'Table 1',
        fields: [
          { name: 'Name', type: 'singleLineText' },
          { name: 'Notes', type: 'multilineText' },
        ],
      },
    ],
  }
}

/** Reads a definition file (JSON); problems name the file. */
export function readBaseDefinitionFile(path: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    throw new BaseDefinitionError(
      [`cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`],
      path,
    )
  }
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw new BaseDefinitionError(
      [`not JSON: ${cause instanceof Error ? cause.message : String(cause)}`],
      path,
    )
  }
}

/** Options of {@link loadSeed}: the loader's, plus the Presence seed's size. */
export interface SeedOptions extends LoadOptions {
  /** Rows of the scalable Presence tables (`presence` only). @default the demo base's */
  presence?: PresenceScale
}

/** Builds a built-in seed or a definition file as an EmulatedBase. */
export function loadSeed(
  seed: SeedName | { file: string },
  options: SeedOptions = {},
): EmulatedBase {
  const { presence: scale, ...load } = options
  if (typeof seed === 'object') {
    return loadBaseDefinition(readBaseDefinitionFile(seed.file) as BaseDefinition, {
      source: seed.file,
      ...load,
    })
  }
  switch (seed) {
    case 'empty':
      return loadBaseDefinition(emptyDefinition(), load)
    case 'presence': {
      const dayMs = startOfUtcDay((load.clock ?? systemClock).now())
      return loadBaseDefinition(presenceDefinition(dayMs, scale), { trusted: true, ...load })
    }
  }
}

/** The bases the CLI serves: an optional built-in seed plus definition files. */
export function loadSeedBases(
  request: { seed?: SeedName | undefined; files?: readonly string[] },
  options: SeedOptions = {},
): Promise<EmulatedBase[]> {
  const bases: EmulatedBase[] = []
  if (request.seed !== undefined) bases.push(loadSeed(request.seed, options))
  for (const file of request.files ?? []) bases.push(loadSeed({ file }, options))
  return Promise.resolve(bases)
}
