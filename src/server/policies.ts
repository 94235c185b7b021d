/** Which policy document the server applies when none is configured. */
import { PRESENCE_POLICIES, type PolicyDocumentInput } from '../policy/index.ts'

/** The Presence demo base's ID (the emulator's `--seed presence`). */
export const PRESENCE_BASE_ID = 'appPresenceDemo01'

/** Admins read and write everything; other roles nothing (the service key bypasses policies). */
export const ADMIN_ONLY_POLICIES: PolicyDocumentInput = {
  tables: {},
  defaults: {
    admin: {
      reason: 'No policy file is configured: only admins (and the service key) have access.',
      read: { rows: 'all', fields: 'all' },
      write: { create: 'all', update: 'all', delete: 'all', fields: 'all' },
    },
  },
}

/** The configured document, else Presence's for the Presence base, else admin-only. */
export function defaultPolicies(
  baseId: string,
  configured: PolicyDocumentInput | undefined,
): PolicyDocumentInput {
  if (configured !== undefined) return configured
  return baseId === PRESENCE_BASE_ID ? PRESENCE_POLICIES : ADMIN_ONLY_POLICIES
}
