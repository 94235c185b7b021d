/**
 * The Presence base (`--seed presence`, base ID {@link PRESENCE_BASE_ID}) as a definition built
 * in code: the schema of presence-schema.ts plus the generated rows of presence-records.ts.
 */
import type { BaseDefinition } from './definition.ts'
import { PRESENCE_SEED, presenceRecords, type PresenceScale } from './presence-records.ts'
import { presenceTables } from './presence-schema.ts'

export const PRESENCE_BASE_ID = 'appPresenceDemo01'

/**
 * The Presence definition for the day starting at `dayMs` (UTC midnight): sessions are placed
 * around that day, so the same day (and `scale`) always yields the same base.
 */
export function presenceDefinition(dayMs: number, scale: PresenceScale = {}): BaseDefinition {
  const records = presenceRecords(dayMs, scale)
  return {
    id: PRESENCE_BASE_ID,
    name: 'Presence',
    seed: PRESENCE_SEED,
    tables: presenceTables().map((table) => ({ ...table, records: records[table.name] ?? [] })),
  }
}
