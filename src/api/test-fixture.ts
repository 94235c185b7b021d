/**
 * A small base for the API's tests: Members (own row for members), Hosts (public fields only for
 * members), Secrets (no rule for members), filled straight into a test store, and the app with
 * tokens for each role. Record IDs and creation times are fixed so orders are predictable.
 */
import { pino } from 'pino'
import { Registry } from 'prom-client'
import {
  createAuthenticator,
  createPolicyEngine,
  issueDevToken,
  type PolicyDocumentInput,
  type Role,
} from '../policy/index.ts'
import type { BaseSchema } from '../protocol/index.ts'
import { systemClock, type Clock } from '../shared/index.ts'
import { saveBaseSchema, saveViewOrder, upsertRecords, type Db } from '../store/index.ts'
import { createApi, type ApiApp } from './app.ts'
import type { ApiOptions } from './options.ts'

export const BASE_ID = 'appApiTestBase001'
export const SERVICE_KEY = 'service-key-for-api-tests-0123456789'
export const JWT_SECRET = 'jwt-secret-for-api-tests-0123456789'

export const SCHEMA: BaseSchema = {
  tables: [
    {
      id: 'tblMembers000001',
      name: 'Members',
      primaryFieldId: 'fldMName00000001',
      fields: [
        { id: 'fldMName00000001', name: 'Name', type: 'singleLineText' },
        { id: 'fldMEmail0000001', name: 'Email', type: 'email' },
        { id: 'fldMAge000000001', name: 'Age', type: 'number', options: { precision: 0 } },
        {
          id: 'fldMTier00000001',
          name: 'Tier',
          type: 'singleSelect',
          options: {
            choices: [
              { id: 'selGold', name: 'Gold' },
              { id: 'selSilver', name: 'Silver' },
              { id: 'selBronze', name: 'Bronze' },
            ],
          },
        },
        { id: 'fldMActive000001', name: 'Active', type: 'checkbox', options: {} },
        {
          id: 'fldMHost00000001',
          name: 'Host',
          type: 'multipleRecordLinks',
          options: { linkedTableId: 'tblHosts00000001' },
        },
        {
          id: 'fldMJoined000001',
          name: 'Joined',
          type: 'date',
          options: { dateFormat: { name: 'iso', format: 'YYYY-MM-DD' } },
        },
      ],
      views: [
        { id: 'viwMembersAll001', name: 'Grid view', type: 'grid' },
        { id: 'viwMembersAct001', name: 'Active members', type: 'grid' },
        { id: 'viwMembersNew001', name: 'Never fetched', type: 'grid' },
      ],
    },
    {
      id: 'tblHosts00000001',
      name: 'Hosts',
      primaryFieldId: 'fldHName00000001',
      fields: [
        { id: 'fldHName00000001', name: 'Name', type: 'singleLineText' },
        { id: 'fldHEmail0000001', name: 'Email', type: 'email' },
        { id: 'fldHPhone0000001', name: 'Phone', type: 'phoneNumber' },
        {
          id: 'fldHRate00000001',
          name: 'Rate',
          type: 'currency',
          options: { precision: 2, symbol: '$' },
        },
      ],
      views: [{ id: 'viwHostsAll00001', name: 'Grid view', type: 'grid' }],
    },
    {
      id: 'tblSecrets000001',
      name: 'Secrets',
      primaryFieldId: 'fldSName00000001',
      fields: [{ id: 'fldSName00000001', name: 'Name', type: 'singleLineText' }],
      views: [],
    },
  ],
}

export const POLICIES: PolicyDocumentInput = {
  tables: {
    Members: {
      member: { reason: 'own profile', read: { rows: '{Email} = USER_EMAIL()', fields: 'all' } },
      host: {
        reason: 'members of the host',
        read: { rows: 'FIND(USER_EMAIL(), {Host})', fields: ['Name'] },
      },
    },
    Hosts: {
      member: { reason: 'browse hosts', read: { rows: 'all', fields: ['Name', 'Rate'] } },
    },
  },
  defaults: { admin: { reason: 'ops', read: { rows: 'all', fields: 'all' } } },
}

/** Member records: Ann, bob, Cid, dee, Eve (createdTime in this order). */
export const MEMBERS = [
  member('recMemberAnn0001', 'Ann', {
    email: 'ann@x.com',
    age: 30,
    tier: 'Gold',
    active: true,
    host: ['recHostHal000001'],
    joined: '2024-03-05',
  }),
  member('recMemberBob0001', 'bob', {
    email: 'bob@x.com',
    age: 25,
    tier: 'Bronze',
    active: false,
    host: ['recHostIda000001'],
    joined: '2023-12-31',
  }),
  member('recMemberCid0001', 'Cid', {
    email: 'cid@x.com',
    age: 41,
    tier: 'Silver',
    active: true,
    host: [],
    joined: undefined,
  }),
  member('recMemberDee0001', 'dee', {
    email: 'dee@x.com',
    age: undefined,
    tier: 'Gold',
    active: true,
    host: ['recHostHal000001'],
    joined: '2025-01-01',
  }),
  member('recMemberEve0001', 'Eve', {
    email: 'eve@x.com',
    age: 25,
    tier: undefined,
    active: false,
    host: [],
    joined: '2024-07-14',
  }),
]

export const HOSTS = [
  {
    id: 'recHostHal000001',
    createdTime: '2024-01-01T00:00:00.000Z',
    fields: {
      fldHName00000001: 'Hal',
      fldHEmail0000001: 'hal@x.com',
      fldHPhone0000001: '555-0100',
      fldHRate00000001: 42.5,
    },
  },
  {
    id: 'recHostIda000001',
    createdTime: '2024-01-02T00:00:00.000Z',
    fields: {
      fldHName00000001: 'Ida',
      fldHEmail0000001: 'ida@x.com',
      fldHPhone0000001: '555-0101',
      fldHRate00000001: 1234,
    },
  },
]

function member(
  id: string,
  name: string,
  c: {
    email: string
    age: number | undefined
    tier: string | undefined
    active: boolean
    host: string[]
    joined: string | undefined
  },
): { id: string; createdTime: string; fields: Record<string, unknown> } {
  const index = id.charCodeAt(9) // A, B, C, D, E → ascending times
  const fields: Record<string, unknown> = { fldMName00000001: name, fldMEmail0000001: c.email }
  if (c.age !== undefined) fields['fldMAge000000001'] = c.age
  if (c.tier !== undefined) fields['fldMTier00000001'] = c.tier
  if (c.active) fields['fldMActive000001'] = true
  if (c.host.length > 0) fields['fldMHost00000001'] = c.host
  if (c.joined !== undefined) fields['fldMJoined000001'] = c.joined
  return { id, createdTime: new Date(Date.UTC(2024, 0, 1, 0, index)).toISOString(), fields }
}

/** Stores the schema, the records and the view orders. */
export async function fillStore(db: Db): Promise<void> {
  await saveBaseSchema(db, { baseId: BASE_ID, schema: SCHEMA })
  const origin = { source: 'test' as const }
  await upsertRecords(db, {
    baseId: BASE_ID,
    tableId: 'tblMembers000001',
    records: MEMBERS,
    ...origin,
  })
  await upsertRecords(db, {
    baseId: BASE_ID,
    tableId: 'tblHosts00000001',
    records: HOSTS,
    ...origin,
  })
  await upsertRecords(db, {
    baseId: BASE_ID,
    tableId: 'tblSecrets000001',
    records: [
      {
        id: 'recSecret0000001',
        createdTime: '2024-01-01T00:00:00.000Z',
        fields: { fldSName00000001: 'x' },
      },
    ],
    ...origin,
  })
  const all = MEMBERS.map((m) => m.id)
  await saveViewOrder(db, {
    baseId: BASE_ID,
    tableId: 'tblMembers000001',
    viewId: 'viwMembersAll001',
    recordIds: all,
  })
  // A view with its own filter (active) and sort (name descending), as Airtable lists it.
  await saveViewOrder(db, {
    baseId: BASE_ID,
    tableId: 'tblMembers000001',
    viewId: 'viwMembersAct001',
    recordIds: ['recMemberDee0001', 'recMemberCid0001', 'recMemberAnn0001'],
  })
}

/** The app over a filled store, and a request helper. */
export interface ApiFixture {
  app: ApiApp
  metrics: Registry
  /** A token for a role; members are `ann@x.com` unless `email` is given. */
  token(role: Role | 'service', email?: string): Promise<string>
  /** `app.request` with a bearer token. */
  get(path: string, token: string): Promise<Response>
  post(path: string, token: string, body: unknown): Promise<Response>
}

/** Builds the API over `db` (already filled). */
export function apiFixture(
  db: Db,
  overrides: Partial<ApiOptions> = {},
  clock: Clock = systemClock,
): ApiFixture {
  const metrics = new Registry()
  const app = createApi({
    db,
    baseId: BASE_ID,
    getSchema: () => SCHEMA,
    policies: (schema) => createPolicyEngine({ policies: POLICIES, schema }),
    authenticator: createAuthenticator({ serviceKey: SERVICE_KEY, jwtSecret: JWT_SECRET, clock }),
    status: () => ({ ready: true, tables: [] }),
    metrics,
    logger: pino({ level: 'silent' }),
    offsetSecret: 'offset-secret-for-tests',
    clock,
    ...overrides,
  })
  const headers = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
  return {
    app,
    metrics,
    token: async (role, email) =>
      role === 'service'
        ? SERVICE_KEY
        : issueDevToken({
            secret: JWT_SECRET,
            sub: `user-${email ?? 'ann@x.com'}`,
            email: email ?? 'ann@x.com',
            role,
            clock,
          }),
    get: async (path, token) => app.request(path, { headers: headers(token) }),
    post: async (path, token, body) =>
      app.request(path, {
        method: 'POST',
        headers: { ...headers(token), 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  }
}
