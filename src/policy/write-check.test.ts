import { describe, expect, test } from 'vitest'
import type { FormulaRecord, FormulaValue } from '../formula/index.ts'
import type { BaseSchema } from '../protocol/schema.ts'
import { createPolicyEngine } from './access.ts'
import type { Principal } from './auth.ts'
import { PolicyError } from './errors.ts'
import { checkWrite, decideWrite } from './write-check.ts'
import type { WriteRequest } from './write-check.ts'

const SCHEMA: BaseSchema = {
  tables: [
    {
      id: 'tblPeople0000000',
      name: 'People',
      primaryFieldId: 'fldName000000000',
      fields: [
        { id: 'fldName000000000', name: 'Name', type: 'singleLineText' },
        { id: 'fldEmail00000000', name: 'Email', type: 'email' },
        { id: 'fldStatus0000000', name: 'Status', type: 'singleSelect' },
        { id: 'fldBio0000000000', name: 'Bio', type: 'multilineText' },
      ],
      views: [],
    },
  ],
}

const engine = createPolicyEngine({
  schema: SCHEMA,
  policies: {
    tables: {
      People: {
        member: {
          reason: 'own row',
          read: { rows: '{Email} = USER_EMAIL()', fields: 'all' },
          write: {
            create: 'AND({Email} = USER_EMAIL(), {Status} = "New")',
            update: '{Email} = USER_EMAIL()',
            delete: 'AND({Email} = USER_EMAIL(), {Status} = "New")',
            fields: ['Name', 'Bio', 'Email', 'Status'],
          },
        },
        host: { reason: 'read only', read: { rows: 'all', fields: 'all' } },
        admin: {
          reason: 'all',
          read: { rows: 'all', fields: 'all' },
          write: { create: 'all', update: 'all', delete: 'all', fields: 'all' },
        },
      },
    },
  },
})

const record = (fields: Record<string, FormulaValue>): FormulaRecord => ({
  id: 'recX0000000000000',
  createdTimeMs: 0,
  field: (name) => fields[name] ?? null,
  lastModifiedTimeMs: () => null,
})

const user = (role: 'member' | 'host' | 'admin', email = 'ann@x.test'): Principal => ({
  kind: 'user',
  sub: 'u',
  email,
  role,
  claims: {},
})
const ANN = record({ Name: 'Ann', Email: 'ann@x.test', Status: 'New' })
const BOB = record({ Name: 'Bob', Email: 'bob@x.test', Status: 'New' })
const ANN_OLD = record({ Name: 'Ann', Email: 'ann@x.test', Status: 'Old' })
const now = { nowMs: Date.UTC(2026, 0, 1) }

const decide = (principal: Principal, request: WriteRequest) =>
  decideWrite(engine.policyFor(principal, 'People'), request, now)

const refusal = (principal: Principal, request: WriteRequest): string => {
  const decision = decide(principal, request)
  if (decision.allowed) throw new Error('expected a refusal')
  expect(decision.error).toBeInstanceOf(PolicyError)
  expect(decision.error).toMatchObject({ status: 403, type: 'INVALID_PERMISSIONS' })
  return decision.error.message
}

describe('row rules', () => {
  test('a member updates their own row', () => {
    expect(
      decide(user('member'), {
        operation: 'update',
        before: ANN,
        after: ANN,
        fieldsWritten: ['Bio'],
      }),
    ).toEqual({
      allowed: true,
    })
  })

  test("a member cannot update another member's row", () => {
    expect(
      refusal(user('member'), {
        operation: 'update',
        before: BOB,
        after: BOB,
        fieldsWritten: ['Bio'],
      }),
    ).toBe('You are not permitted to perform this operation')
  })

  test('an update cannot move the row out of reach (checked after as well)', () => {
    const moved = record({ Name: 'Ann', Email: 'eve@x.test', Status: 'New' })
    expect(
      refusal(user('member'), {
        operation: 'update',
        before: ANN,
        after: moved,
        fieldsWritten: ['Email'],
      }),
    ).toMatch(/not permitted to perform/)
  })

  test('create is checked against the record as it will be', () => {
    expect(
      decide(user('member'), {
        operation: 'create',
        after: ANN,
        fieldsWritten: ['Name', 'Email', 'Status'],
      }).allowed,
    ).toBe(true)
    expect(
      refusal(user('member'), { operation: 'create', after: ANN_OLD, fieldsWritten: ['Name'] }),
    ).toMatch(/perform/)
    expect(
      refusal(user('member'), { operation: 'create', after: BOB, fieldsWritten: ['Name'] }),
    ).toMatch(/perform/)
  })

  test('delete is checked against the record before', () => {
    expect(decide(user('member'), { operation: 'delete', before: ANN }).allowed).toBe(true)
    expect(refusal(user('member'), { operation: 'delete', before: ANN_OLD })).toMatch(/perform/)
  })

  test('a rule that needs a record refuses when none is given (fail closed)', () => {
    expect(refusal(user('member'), { operation: 'update', fieldsWritten: ['Bio'] })).toMatch(
      /perform/,
    )
    expect(refusal(user('member'), { operation: 'create', after: null })).toMatch(/perform/)
  })

  test('a hostile email matches no other row', () => {
    for (const email of ['") OR 1 OR ("', "' OR TRUE() OR '", 'bob@x.test"&"', '{Email}']) {
      expect(
        decide(user('member', email), { operation: 'update', before: BOB, after: BOB }).allowed,
      ).toBe(false)
    }
  })

  test('a role without write rules is refused with Airtable messages', () => {
    expect(refusal(user('host'), { operation: 'create', after: ANN })).toBe(
      'You are not permitted to create records in table People (tblPeople0000000)',
    )
    expect(refusal(user('host'), { operation: 'delete', before: ANN })).toBe(
      'You are not permitted to perform this operation',
    )
  })
})

describe('field rules', () => {
  test('a cell outside the writable fields is refused, naming the field and its ID', () => {
    const access = engine.policyFor(
      { kind: 'user', sub: 'u', email: 'ann@x.test', role: 'member', claims: {} },
      'People',
    )
    const restricted = { ...access, writableFieldIds: new Set(['fldBio0000000000']) }
    const decision = decideWrite(
      restricted,
      { operation: 'update', before: ANN, after: ANN, fieldsWritten: ['Bio', 'Status'] },
      now,
    )
    expect(decision).toMatchObject({
      allowed: false,
      error: {
        message: 'You are not permitted to write cell values in field Status (fldStatus0000000)',
      },
    })
    const byId = decideWrite(
      restricted,
      { operation: 'update', before: ANN, after: ANN, fieldsWritten: ['fldStatus0000000'] },
      now,
    )
    expect(byId.allowed).toBe(false)
    expect(
      decideWrite(
        restricted,
        { operation: 'update', before: ANN, after: ANN, fieldsWritten: ['fldBio0000000000'] },
        now,
      ).allowed,
    ).toBe(true)
    expect(
      decideWrite(
        restricted,
        { operation: 'update', before: ANN, after: ANN, fieldsWritten: ['Unknown'] },
        now,
      ).allowed,
    ).toBe(false)
  })

  test('admins and the service key write anything', () => {
    for (const principal of [user('admin'), { kind: 'service' } as const]) {
      expect(
        decide(principal, {
          operation: 'update',
          before: BOB,
          after: BOB,
          fieldsWritten: ['Status', 'Email'],
        }).allowed,
      ).toBe(true)
      expect(decide(principal, { operation: 'delete', before: BOB }).allowed).toBe(true)
    }
  })

  test('checkWrite throws the refusal', () => {
    const access = engine.policyFor(user('member'), 'People')
    expect(() => checkWrite(access, { operation: 'delete', before: BOB }, now)).toThrow(PolicyError)
    expect(() => checkWrite(access, { operation: 'delete', before: ANN }, now)).not.toThrow()
  })
})
