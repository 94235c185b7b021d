/**
 * A Presence member's dashboard data, as the app loads it: their profile, the active hosts, their
 * sessions and the active templates — four list reads. Shared by the zero-Airtable-calls test and
 * the read benchmark, which sends the same reads to airsync and straight to the emulator.
 */
import type { AirtableClient, ListParams } from '../src/airtable/index.ts'
import type { AirtableRecord } from '../src/protocol/index.ts'

export const DEMO_MEMBER_EMAIL = 'member@presence.test'

/** One read of the dashboard. */
export interface DashboardRead {
  part: 'profile' | 'hosts' | 'sessions' | 'templates'
  table: string
  params: ListParams
}

/**
 * The reads for the member with `email`. The filters repeat what the member's policy enforces
 * anyway, so the same reads mean the same thing sent to Airtable with the server's token.
 */
export function dashboardReads(email: string = DEMO_MEMBER_EMAIL): DashboardRead[] {
  const quoted = JSON.stringify(email)
  return [
    {
      part: 'profile',
      table: 'Members Registry',
      params: { filterByFormula: `{Email} = ${quoted}`, maxRecords: 1 },
    },
    {
      part: 'hosts',
      table: 'Hosts Registry',
      params: {
        view: 'Active Hosts',
        fields: [
          'Full Name',
          'Profile Photo',
          'Languages Spoken',
          'Personality Tags',
          'Rebook Rate',
        ],
      },
    },
    {
      part: 'sessions',
      table: 'Presence Operations',
      params: {
        filterByFormula: `{Member Email} = ${quoted}`,
        sort: [{ field: 'Session Date/Time', direction: 'desc' }],
      },
    },
    {
      part: 'templates',
      table: 'Templates',
      params: { filterByFormula: '{Active Status}', fields: ['Template Name', 'Message Body'] },
    },
  ]
}

/** The dashboard's records by part. */
export type DashboardData = Record<DashboardRead['part'], AirtableRecord[]>

/** Loads the dashboard through `client` (every page of every read, the reads in parallel). */
export async function loadDashboard(
  client: AirtableClient,
  baseId: string,
  email: string = DEMO_MEMBER_EMAIL,
): Promise<DashboardData> {
  const reads = dashboardReads(email)
  const results = await Promise.all(
    reads.map((read) => client.table(baseId, read.table).all(read.params)),
  )
  const data: DashboardData = { profile: [], hosts: [], sessions: [], templates: [] }
  reads.forEach((read, i) => {
    data[read.part] = results[i] ?? []
  })
  return data
}
