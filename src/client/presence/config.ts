/**
 * How the Presence app caches its tables (ARCHITECTURE.md "Freshness and caching"): hosts,
 * member profiles, templates and help prompts for 5 minutes, kept live by the change stream;
 * sessions (Presence Operations) and likes never cached. The Active Hosts view is defined here
 * as the Presence base defines it (src/emulator/seed/presence-schema.ts), so a cached host list
 * is re-checked locally when a host changes.
 */
import type { TableConfig } from '../types.ts'

/** Five minutes, in ms. */
export const PRESENCE_TTL_MS = 5 * 60_000

/** The name of the hosts view members browse. */
export const ACTIVE_HOSTS_VIEW = 'Active Hosts'

/** Pass as `tables` to `createAirsyncClient` for the Presence base. */
export const PRESENCE_TABLE_CONFIG: Record<string, TableConfig> = {
  'Hosts Registry': {
    ttlMs: PRESENCE_TTL_MS,
    views: {
      [ACTIVE_HOSTS_VIEW]: {
        filterByFormula: "AND({Verification Status} = 'Verified', {Host Status} = 'Active')",
        sort: [{ field: 'Full Name', direction: 'asc' }],
      },
    },
  },
  'Members Registry': { ttlMs: PRESENCE_TTL_MS },
  Templates: { ttlMs: PRESENCE_TTL_MS },
  'Help Desk Prompts': { ttlMs: PRESENCE_TTL_MS },
  'Presence Operations': { ttlMs: 0 },
  Likes: { ttlMs: 0 },
}
