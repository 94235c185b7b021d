/**
 * The Presence service: the calls the Presence PWA makes, over an {@link AirsyncClient} typed by
 * the generated Presence types. Reads go through the client's cache (configure it with
 * PRESENCE_TABLE_CONFIG); user actions are queued writes (offline-safe, optimistic). Values
 * enter formulas only through formulaString.
 */
import type {
  HelpDeskPromptsFields,
  HostsRegistryFields,
  MembersRegistryFields,
  PresenceOperationsFields,
  PresenceTables,
  TemplatesFields,
} from '../../protocol/index.ts'
import type { AirsyncClient } from '../create-client.ts'
import type { FieldsPatch, TypedRecord, WriteHandle } from '../types.ts'
import { ACTIVE_HOSTS_VIEW } from './config.ts'
import { formulaString } from './formula-string.ts'

/** The profile fields a member edits. */
export type ProfileEdit = Pick<
  FieldsPatch<MembersRegistryFields>,
  | 'Full Name'
  | 'Mobile Number'
  | 'Profile Photo'
  | 'About You'
  | 'Country'
  | 'Time Zone'
  | 'Language'
>

/** The matching preferences a member edits. */
export type PreferencesEdit = Pick<
  FieldsPatch<MembersRegistryFields>,
  | 'Interests'
  | 'Preferred Host Languages'
  | 'Preferred Personality Tags'
  | 'Preferred Session Length'
>

/** Cache names `clearCache` accepts, beside table names. */
export type PresenceCacheName =
  'active-hosts' | 'member-profile' | 'templates' | 'help-prompts' | 'all'

/** A member's dashboard. */
export interface MemberDashboard {
  profile: TypedRecord<MembersRegistryFields> | undefined
  hosts: TypedRecord<HostsRegistryFields>[]
  sessions: TypedRecord<PresenceOperationsFields>[]
  templates: TypedRecord<TemplatesFields>[]
}

/** The Presence calls. */
export interface PresenceService {
  /** A member's profile by record ID (cached 5 min). */
  syncMemberProfile(memberId: string): Promise<TypedRecord<MembersRegistryFields>>
  /** A member's profile by email (cached 5 min); undefined when none. */
  findMemberByEmail(email: string): Promise<TypedRecord<MembersRegistryFields> | undefined>
  /** Verified, active hosts by name (view Active Hosts; cached 5 min, live). */
  syncActiveHosts(): Promise<TypedRecord<HostsRegistryFields>[]>
  /** A member's sessions, newest first (never cached). */
  syncMemberSessions(email: string): Promise<TypedRecord<PresenceOperationsFields>[]>
  /** Active notification templates (cached 5 min). */
  syncTemplates(): Promise<TypedRecord<TemplatesFields>[]>
  /** Active help prompts (cached 5 min). */
  syncHelpPrompts(): Promise<TypedRecord<HelpDeskPromptsFields>[]>
  /** Profile, active hosts, sessions and templates, in parallel. */
  loadMemberDashboard(email: string): Promise<MemberDashboard>
  /** Any number of updates to one table (the server splits them). */
  batchUpdate<K extends keyof PresenceTables>(
    table: K,
    updates: readonly { id: string; fields: FieldsPatch<PresenceTables[K]> }[],
  ): Promise<WriteHandle<PresenceTables[K]>>
  clearCache(name: PresenceCacheName | keyof PresenceTables): void
  editProfile(memberId: string, edit: ProfileEdit): Promise<WriteHandle<MembersRegistryFields>>
  updatePreferences(
    memberId: string,
    edit: PreferencesEdit,
  ): Promise<WriteHandle<MembersRegistryFields>>
  /** The chosen host, after refreshing the host list (availability may have changed). */
  selectHost(hostId: string): Promise<TypedRecord<HostsRegistryFields> | undefined>
  /** Marks that the member joined the session's room. */
  joinSession(sessionId: string): Promise<WriteHandle<PresenceOperationsFields>>
  /** Marks the session completed. */
  completeSession(sessionId: string): Promise<WriteHandle<PresenceOperationsFields>>
  /** Records that the member likes the host. */
  likeHost(memberId: string, hostId: string): Promise<WriteHandle<PresenceTables['Likes']>>
}

const TEMPLATES_QUERY = { filterByFormula: '{Active Status}' }

/** Creates the service over a client configured with PRESENCE_TABLE_CONFIG. */
export function createPresenceService(client: AirsyncClient<PresenceTables>): PresenceService {
  const activeHosts = { view: ACTIVE_HOSTS_VIEW }
  const byEmail = (email: string): { filterByFormula: string; maxRecords: number } => ({
    filterByFormula: `{Email} = ${formulaString(email)}`,
    maxRecords: 1,
  })
  const service: PresenceService = {
    syncMemberProfile: (memberId) => client.getRecord('Members Registry', memberId),
    async findMemberByEmail(email) {
      const [member] = await client.listRecords('Members Registry', byEmail(email))
      return member
    },
    syncActiveHosts: () => client.listRecords('Hosts Registry', activeHosts),
    syncMemberSessions: (email) =>
      client.listRecords('Presence Operations', {
        filterByFormula: `{Member Email} = ${formulaString(email)}`,
        sort: [{ field: 'Session Date/Time', direction: 'desc' }],
      }),
    syncTemplates: () => client.listRecords('Templates', TEMPLATES_QUERY),
    syncHelpPrompts: () =>
      client.listRecords('Help Desk Prompts', { filterByFormula: '{Active Status}' }),
    async loadMemberDashboard(email) {
      const [profile, hosts, sessions, templates] = await Promise.all([
        service.findMemberByEmail(email),
        service.syncActiveHosts(),
        service.syncMemberSessions(email),
        service.syncTemplates(),
      ])
      return { profile, hosts, sessions, templates }
    },
    batchUpdate: (table, updates) => client.batchUpdate(table, updates),
    clearCache(name) {
      if (name === 'all') client.clearCache()
      else if (name === 'active-hosts')
        client.clearCache(client.cacheKey('Hosts Registry', activeHosts))
      else if (name === 'member-profile') client.clearCache('Members Registry')
      else if (name === 'templates') client.clearCache('Templates')
      else if (name === 'help-prompts') client.clearCache('Help Desk Prompts')
      else client.clearCache(name)
    },
    editProfile: (memberId, edit) => client.updateRecord('Members Registry', memberId, edit),
    updatePreferences: (memberId, edit) => client.updateRecord('Members Registry', memberId, edit),
    async selectHost(hostId) {
      const hosts = await client.listRecords('Hosts Registry', { ...activeHosts, cache: 'reload' })
      return hosts.find((h) => h.id === hostId)
    },
    joinSession: (sessionId) =>
      client.updateRecord('Presence Operations', sessionId, { 'Member Joined': true }),
    completeSession: (sessionId) =>
      client.updateRecord('Presence Operations', sessionId, { 'Booking Status': 'Completed' }),
    likeHost: (memberId, hostId) =>
      client.createRecord('Likes', {
        Member: [memberId],
        Host: [hostId],
        Direction: 'Member → Host',
      }),
  }
  return service
}
