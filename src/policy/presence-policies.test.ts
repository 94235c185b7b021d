import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { evaluate, isTruthy, parseFormula } from '../formula/index.ts'
import type { FormulaRecord, FormulaValue } from '../formula/index.ts'
import type { Node } from '../formula/ast.ts'
import type { BaseSchema, Table } from '../protocol/schema.ts'
import { createPolicyEngine } from './access.ts'
import type { TableAccess } from './access.ts'
import type { Principal } from './auth.ts'
import { andFilters, walkNode } from './formula-ast.ts'
import { PRESENCE_POLICIES } from './presence-policies.ts'
import { checkReadRequest, isFieldReadable } from './visibility.ts'
import { decideWrite } from './write-check.ts'

// The Presence base as issue 2 describes it, plus the two lookups presence-policies.ts proposes.
const TABLES: Record<string, [string, string][]> = {
  'Members Registry': [
    ['Full Name', 'singleLineText'],
    ['Email', 'email'],
    ['Mobile Number', 'phoneNumber'],
    ['Profile Photo', 'multipleAttachments'],
    ['About You', 'multilineText'],
    ['Verification Status', 'singleSelect'],
    ['Member Type', 'singleSelect'],
    ['Interests', 'multipleSelects'],
    ['Country', 'singleLineText'],
    ['Time Zone', 'singleLineText'],
    ['Language', 'singleLineText'],
    ['Preferred Host Languages', 'multipleSelects'],
    ['Preferred Personality Tags', 'multipleSelects'],
    ['Preferred Session Length', 'singleSelect'],
    ['Stripe Customer ID', 'singleLineText'],
    ['Last Active', 'dateTime'],
    ['Sessions', 'multipleRecordLinks'],
    ['Member Since', 'createdTime'],
    ['Host Emails', 'multipleLookupValues'],
  ],
  'Hosts Registry': [
    ['Full Name', 'singleLineText'],
    ['Email', 'email'],
    ['Mobile Number', 'phoneNumber'],
    ['Profile Photo', 'multipleAttachments'],
    ['Full-Length Photo', 'multipleAttachments'],
    ['Intro Video', 'url'],
    ['About You', 'multilineText'],
    ['Languages Spoken', 'multipleSelects'],
    ['Personality Tags', 'multipleSelects'],
    ['Verification Status', 'singleSelect'],
    ['Host Status', 'singleSelect'],
    ['Stripe Connect ID', 'singleLineText'],
    ['Availability', 'multipleSelects'],
    ['Rebook Rate', 'percent'],
    ['Time Zone', 'singleLineText'],
    ['Sessions', 'multipleRecordLinks'],
    ['Completed Sessions', 'count'],
  ],
  'Presence Operations': [
    ['Booking Ref', 'singleLineText'],
    ['Member', 'multipleRecordLinks'],
    ['Host', 'multipleRecordLinks'],
    ['Member Name', 'multipleLookupValues'],
    ['Member Email', 'multipleLookupValues'],
    ['Host Name', 'multipleLookupValues'],
    ['Host Email', 'multipleLookupValues'],
    ['Session Date/Time', 'dateTime'],
    ['Booking Status', 'singleSelect'],
    ['Payment Status', 'singleSelect'],
    ['Notification Status', 'singleSelect'],
    ['Plan Type', 'singleSelect'],
    ['Amount', 'currency'],
    ['Transaction ID', 'singleLineText'],
    ['Cal.com Booking ID', 'singleLineText'],
    ['Cal.com URL', 'url'],
    ['Video Room URL', 'url'],
    ['Video Room Status', 'singleSelect'],
    ['Host Joined', 'checkbox'],
    ['Member Joined', 'checkbox'],
    ['Last Modified', 'lastModifiedTime'],
  ],
  Templates: [
    ['Template Name', 'singleLineText'],
    ['Message Body', 'multilineText'],
    ['Channel Type', 'singleSelect'],
    ['Active Status', 'checkbox'],
  ],
  'Help Desk Prompts': [
    ['Topic', 'singleLineText'],
    ['Category', 'singleSelect'],
    ['Default Response', 'multilineText'],
    ['Active Status', 'checkbox'],
  ],
  Likes: [
    ['Like ID', 'autoNumber'],
    ['Member', 'multipleRecordLinks'],
    ['Host', 'multipleRecordLinks'],
    ['Direction', 'singleSelect'],
    ['Created', 'createdTime'],
    ['Member Email', 'multipleLookupValues'],
  ],
}

// Fixed-width numbers, so no two IDs collide after padding.
const id = (prefix: string, n: number, m = 0): string =>
  `${prefix}${String(n).padStart(2, '0')}x${String(m).padStart(3, '0')}`.padEnd(17, 'A')
function presenceSchema(without: readonly string[] = []): BaseSchema {
  const tables: Table[] = Object.entries(TABLES).map(([name, fields], t) => ({
    id: id('tbl', t),
    name,
    primaryFieldId: id('fld', t, 0),
    fields: fields
      .map(([fieldName, type], f) => ({ id: id('fld', t, f), name: fieldName, type }))
      .filter((f) => !without.includes(`${name}.${f.name}`)),
    views: [],
  }))
  return { tables }
}

const engine = createPolicyEngine({ policies: PRESENCE_POLICIES, schema: presenceSchema() })
const user = (role: 'member' | 'host' | 'admin', email: string): Principal => ({
  kind: 'user',
  sub: `sub-${email}`,
  email,
  role,
  claims: {},
})
const ANN = user('member', 'ann@presence.test')
const HAL = user('host', 'hal@presence.test')
const ADMIN = user('admin', 'ops@presence.test')
const NOW = { nowMs: Date.UTC(2026, 0, 1) }
const fieldId = (name: string, table = 'Presence Operations'): string =>
  engine.schema.tables.find((t) => t.name === table)?.fields.find((f) => f.name === name)?.id ??
  name

const record = (fields: Record<string, FormulaValue>): FormulaRecord => ({
  id: 'recX0000000000000',
  createdTimeMs: 0,
  field: (name) => (Object.hasOwn(fields, name) ? (fields[name] ?? null) : null),
  lastModifiedTimeMs: () => null,
})
const admits = (filter: Node | null, r: FormulaRecord): boolean =>
  filter === null || isTruthy(evaluate(filter, { record: r, nowMs: NOW.nowMs }))

describe('the Presence policy document', () => {
  test('resolves completely against the Presence schema', () => {
    expect(engine.problems).toEqual([])
  })

  test('without the proposed lookups, those rules deny and are reported', () => {
    const e = createPolicyEngine({
      policies: PRESENCE_POLICIES,
      schema: presenceSchema(['Members Registry.Host Emails', 'Likes.Member Email']),
    })
    expect(e.problems.length).toBe(3)
    expect(e.policyFor(HAL, 'Members Registry').canRead).toBe(false)
    expect(e.policyFor(ANN, 'Likes')).toMatchObject({ canRead: false, canCreate: false })
    expect(e.policyFor(ANN, 'Members Registry').canRead).toBe(true)
  })
})

describe('member', () => {
  const own = record({ Email: 'ann@presence.test', 'Full Name': 'Ann' })
  const other = record({ Email: 'bob@presence.test', 'Full Name': 'Bob' })

  test('reads only their own member row, without the Stripe ID', () => {
    const access = engine.policyFor(ANN, 'Members Registry')
    expect(admits(access.rowFilter, own)).toBe(true)
    expect(admits(access.rowFilter, other)).toBe(false)
    expect(admits(access.rowFilter, record({}))).toBe(false)
    expect(isFieldReadable(access, 'Stripe Customer ID')).toBe(false)
    expect(isFieldReadable(access, 'Verification Status')).toBe(true)
    // The proposed lookup lists hosts' emails: it must stay hidden even on the member's own row.
    expect(isFieldReadable(access, 'Host Emails')).toBe(false)
  })

  test('a caller formula such as OR(1, …) cannot widen the row filter', () => {
    const access = engine.policyFor(ANN, 'Members Registry')
    const widened = andFilters(
      access.rowFilter,
      parseFormula('OR(1, {Email} = "bob@presence.test")'),
    )
    expect(admits(widened, other)).toBe(false)
    expect(admits(widened, own)).toBe(true)
  })

  test('edits profile and preferences, never Verification Status, Member Type, Stripe ID or Email', () => {
    const access = engine.policyFor(ANN, 'Members Registry')
    const update = (fieldsWritten: string[], before = own) =>
      decideWrite(access, { operation: 'update', before, after: before, fieldsWritten }, NOW)
    expect(update(['About You', 'Interests', 'Preferred Session Length']).allowed).toBe(true)
    for (const forbidden of ['Verification Status', 'Member Type', 'Stripe Customer ID', 'Email']) {
      const decision = update(['About You', forbidden])
      expect(decision.allowed).toBe(false)
      expect(!decision.allowed && decision.error.message).toMatch(
        `You are not permitted to write cell values in field ${forbidden} (fld`,
      )
    }
    expect(update(['About You'], other).allowed).toBe(false)
    expect(
      decideWrite(access, { operation: 'create', after: own, fieldsWritten: ['Full Name'] }, NOW)
        .allowed,
    ).toBe(false)
    expect(decideWrite(access, { operation: 'delete', before: own }, NOW).allowed).toBe(false)
  })

  test('sees active hosts only, and never their email, phone or Stripe Connect ID', () => {
    const access = engine.policyFor(ANN, 'Hosts Registry')
    expect(admits(access.rowFilter, record({ 'Host Status': 'Active' }))).toBe(true)
    expect(admits(access.rowFilter, record({ 'Host Status': 'Paused' }))).toBe(false)
    for (const hidden of ['Email', 'Mobile Number', 'Stripe Connect ID', 'Sessions']) {
      expect(isFieldReadable(access, hidden)).toBe(false)
    }
    expect(isFieldReadable(access, 'About You')).toBe(true)
    expect(() => checkReadRequest(access, { formula: parseFormula('FIND("@", {Email})') })).toThrow(
      /Unknown field names: email/,
    )
    expect(() => checkReadRequest(access, { sort: [{ field: 'Email' }] })).toThrow(
      /Unknown field name/,
    )
    expect(access.canUpdate).toBe(false)
  })

  test("reads their own sessions without the host's email; writes only Member Joined and Booking Status", () => {
    const access = engine.policyFor(ANN, 'Presence Operations')
    const mine = record({
      'Member Email': ['ann@presence.test'],
      'Host Email': ['hal@presence.test'],
    })
    const theirs = record({
      'Member Email': ['bob@presence.test'],
      'Host Email': ['hal@presence.test'],
    })
    expect(admits(access.rowFilter, mine)).toBe(true)
    expect(admits(access.rowFilter, theirs)).toBe(false)
    expect(isFieldReadable(access, 'Host Email')).toBe(false)
    expect(isFieldReadable(access, 'Host Name')).toBe(true)
    const write = (
      before: FormulaRecord,
      fieldsWritten: string[],
      cellsWritten: Record<string, unknown> = { [fieldId('Booking Status')]: 'Completed' },
    ) =>
      decideWrite(
        access,
        { operation: 'update', before, after: before, fieldsWritten, cellsWritten },
        NOW,
      ).allowed
    expect(write(mine, ['Member Joined', 'Booking Status'])).toBe(true)
    expect(write(mine, ['Payment Status'])).toBe(false)
    expect(write(mine, ['Host Joined'])).toBe(false)
    expect(write(theirs, ['Member Joined'])).toBe(false)
  })

  test.each(['Cancelled', 'Confirmed', 'Pending', 'No-Show', 'FreeSession', null])(
    'a member may set Booking Status only to Completed, not %j',
    (value) => {
      const access = engine.policyFor(ANN, 'Presence Operations')
      const mine = record({ 'Member Email': ['ann@presence.test'] })
      const id = fieldId('Booking Status')
      const decide = (cell: unknown) =>
        decideWrite(
          access,
          {
            operation: 'update',
            before: mine,
            after: mine,
            fieldsWritten: [id],
            cellsWritten: { [id]: cell },
          },
          NOW,
        )
      expect(decide('Completed').allowed).toBe(true)
      const refused = decide(value)
      expect(refused.allowed).toBe(false)
      expect(refused.allowed ? undefined : refused.error).toMatchObject({
        type: 'INVALID_PERMISSIONS',
        status: 403,
        message: `You are not permitted to write the value ${JSON.stringify(value)} in field Booking Status (${id})`,
      })
    },
  )

  test('only admins may let typecast create select options', () => {
    expect(engine.policyFor(ANN, 'Members Registry').canCreateSelectOptions).toBe(false)
    expect(engine.policyFor(ANN, 'Presence Operations').canCreateSelectOptions).toBe(false)
    expect(engine.policyFor(HAL, 'Presence Operations').canCreateSelectOptions).toBe(false)
    expect(engine.policyFor(ADMIN, 'Presence Operations').canCreateSelectOptions).toBe(true)
  })

  test('reads active templates and help prompts only', () => {
    for (const table of ['Templates', 'Help Desk Prompts']) {
      const access = engine.policyFor(ANN, table)
      expect(admits(access.rowFilter, record({ 'Active Status': true }))).toBe(true)
      expect(admits(access.rowFilter, record({}))).toBe(false)
      expect(access.canCreate || access.canUpdate || access.canDelete).toBe(false)
    }
  })

  test('reads and creates own member-to-host likes only', () => {
    const access = engine.policyFor(ANN, 'Likes')
    const like = (email: string, direction: string) =>
      record({ 'Member Email': [email], Direction: direction })
    expect(admits(access.rowFilter, like('ann@presence.test', 'Member → Host'))).toBe(true)
    expect(admits(access.rowFilter, like('bob@presence.test', 'Member → Host'))).toBe(false)
    const create = (after: FormulaRecord, fieldsWritten = ['Member', 'Host', 'Direction']) =>
      decideWrite(access, { operation: 'create', after, fieldsWritten }, NOW).allowed
    expect(create(like('ann@presence.test', 'Member → Host'))).toBe(true)
    expect(create(like('bob@presence.test', 'Member → Host'))).toBe(false)
    expect(create(like('ann@presence.test', 'Host → Member'))).toBe(false)
    expect(create(like('ann@presence.test', 'Member → Host'), ['Member', 'Like ID'])).toBe(false)
    expect(access.canDelete).toBe(false)
  })
})

describe('host', () => {
  test('reads their own host row only', () => {
    const access = engine.policyFor(HAL, 'Hosts Registry')
    expect(admits(access.rowFilter, record({ Email: 'hal@presence.test' }))).toBe(true)
    expect(
      admits(access.rowFilter, record({ Email: 'hil@presence.test', 'Host Status': 'Active' })),
    ).toBe(false)
    expect(access.canUpdate).toBe(false)
  })

  test('reads their own sessions without member emails; writes Host Joined and Video Room Status', () => {
    const access = engine.policyFor(HAL, 'Presence Operations')
    const mine = record({
      'Host Email': ['hal@presence.test'],
      'Member Email': ['ann@presence.test'],
    })
    const other = record({ 'Host Email': ['hil@presence.test'] })
    expect(admits(access.rowFilter, mine)).toBe(true)
    expect(admits(access.rowFilter, other)).toBe(false)
    expect(isFieldReadable(access, 'Member Name')).toBe(true)
    expect(isFieldReadable(access, 'Member Email')).toBe(false)
    const write = (before: FormulaRecord, fieldsWritten: string[]) =>
      decideWrite(access, { operation: 'update', before, after: before, fieldsWritten }, NOW)
        .allowed
    expect(write(mine, ['Host Joined', 'Video Room Status'])).toBe(true)
    expect(write(mine, ['Member Joined'])).toBe(false)
    expect(write(other, ['Host Joined'])).toBe(false)
  })

  test("reads only the names of their sessions' members, by whole email", () => {
    const access = engine.policyFor(HAL, 'Members Registry')
    expect(
      admits(access.rowFilter, record({ 'Host Emails': ['x@presence.test', 'hal@presence.test'] })),
    ).toBe(true)
    // A longer address containing the host's must not match.
    expect(admits(access.rowFilter, record({ 'Host Emails': ['xhal@presence.test'] }))).toBe(false)
    expect(admits(access.rowFilter, record({ 'Host Emails': ['hal@presence.testx'] }))).toBe(false)
    expect(admits(access.rowFilter, record({}))).toBe(false)
    expect(access.readableFieldIds).toEqual(new Set([access.table.primaryFieldId]))
  })

  test('has no access to likes', () => {
    expect(engine.policyFor(HAL, 'Likes').canRead).toBe(false)
  })
})

describe('admin and service', () => {
  test.each(Object.keys(TABLES))('%s: everything', (table) => {
    for (const principal of [ADMIN, { kind: 'service' } as const]) {
      const access: TableAccess = engine.policyFor(principal, table)
      expect(access).toMatchObject({
        canRead: true,
        rowFilter: null,
        readableFieldIds: 'all',
        writableFieldIds: 'all',
      })
      expect([access.canCreate, access.canUpdate, access.canDelete]).toEqual([true, true, true])
    }
  })
})

describe('hostile claims through the real parser and evaluator', () => {
  const hostileEmail = fc.oneof(
    fc.string({ minLength: 1, maxLength: 30 }),
    fc.constantFrom(
      '") OR 1 OR ("',
      "') OR TRUE() OR ('",
      'a"b@x.test',
      'x}@y.test',
      '{Email}',
      'back\\slash@x.test',
      '\\"',
      ',',
      '","',
    ),
  )

  test('property: bound filters hold the claim only as string literals, and match exactly that email', () => {
    fc.assert(
      fc.property(hostileEmail, fc.array(hostileEmail, { maxLength: 5 }), (email, others) => {
        const principal = user('member', email)
        for (const table of ['Members Registry', 'Presence Operations', 'Likes']) {
          const filter = engine.policyFor(principal, table).rowFilter
          if (filter === null) throw new Error('expected a filter')
          const strings: string[] = []
          const fields: string[] = []
          walkNode(filter, (n) => {
            if (n.kind === 'string') strings.push(n.value)
            if (n.kind === 'field') fields.push(n.name)
            if (n.kind === 'call') expect(n.name.startsWith('USER_')).toBe(false)
          })
          expect(strings).toContain(email)
          expect(fields).toEqual([table === 'Members Registry' ? 'Email' : 'Member Email'])
        }
        const members = engine.policyFor(principal, 'Members Registry').rowFilter
        expect(admits(members, record({ Email: email }))).toBe(true)
        for (const otherEmail of others) {
          expect(admits(members, record({ Email: otherEmail }))).toBe(otherEmail === email)
        }
      }),
      { numRuns: 300 },
    )
  })
})
