/** The app roles policies are written for. A service-key caller has no role: it bypasses policy. */
export const ROLES = ['member', 'host', 'admin'] as const
export type Role = (typeof ROLES)[number]
