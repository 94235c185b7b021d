/** The Presence service over the SDK (the API the Presence PWA calls). */
export {
  createPresenceService,
  type MemberDashboard,
  type PreferencesEdit,
  type PresenceCacheName,
  type PresenceService,
  type ProfileEdit,
} from './service.ts'
export { ACTIVE_HOSTS_VIEW, PRESENCE_TABLE_CONFIG, PRESENCE_TTL_MS } from './config.ts'
export { formulaString } from './formula-string.ts'
