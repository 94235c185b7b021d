import { describe, expect, test } from 'vitest'
import type { FormulaRecord, FormulaValue } from '../formula/index.ts'
import type { BaseSchema } from '../protocol/schema.ts'
import { createPolicyEngine } from './access.ts'
import type { Principal } from './auth.ts'
import { deliverChange } from './stream.ts'
import type { RecordChange } from './stream.ts'

const SCHEMA: BaseSchema = {
  tables: [
    {
      id: 'tblMembers000000',
      name: 'Members',
      primaryFieldId: 'fldName000000000',
      fields: [
        { id: 'fldName000000000', name: 'Name', type: 'singleLineText' },
        { id: 'fldEmail00000000', name: 'Email', type: 'email' },
        { id: 'fldStripe0000000', name: 'Stripe', type: 'singleLineText' },
      ],
      views: [],
    },
  ],
}
const engine = createPolicyEngine({
  schema: SCHEMA,
  policies: {
    tables: {
      Members: {
        member: {
          reason: 'own row',
          read: { rows: '{Email} = USER_EMAIL()', fields: ['Name', 'Email'] },
        },
        admin: { reason: 'all', read: { rows: 'all', fields: 'all' } },
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
const principal = (role: 'member' | 'host' | 'admin'): Principal => ({
  kind: 'user',
  sub: 'u',
  email: 'ann@x.test',
  role,
  claims: {},
})
const ann = record({ Name: 'Ann', Email: 'ann@x.test' })
const annRenamed = record({ Name: 'Anne', Email: 'ann@x.test' })
const bob = record({ Name: 'Bob', Email: 'bob@x.test' })
const deliver = (role: 'member' | 'host' | 'admin', change: RecordChange) =>
  deliverChange(engine.policyFor(principal(role), 'Members'), change, { nowMs: 0 })

describe('deliverChange', () => {
  test.each([
    ['own row created', { before: null, after: ann }, 'upsert'],
    ['own row updated', { before: ann, after: annRenamed }, 'upsert'],
    ['own row deleted', { before: ann, after: null }, 'remove'],
    ['own row moved out of view', { before: ann, after: bob }, 'remove'],
    ["another member's row created", { before: null, after: bob }, 'skip'],
    ["another member's row updated", { before: bob, after: bob }, 'skip'],
    ["another member's row deleted", { before: bob, after: null }, 'skip'],
    ['a row moved into view', { before: bob, after: ann }, 'upsert'],
    ['only a hidden cell changed', { before: ann, after: ann, changedFields: ['Stripe'] }, 'skip'],
    [
      'a readable cell changed (by ID)',
      { before: ann, after: annRenamed, changedFields: ['fldName000000000'] },
      'upsert',
    ],
  ] as const)('member: %s → %s', (_name, change, expected) => {
    expect(deliver('member', change)).toBe(expected)
  })

  test('a role without read access is sent nothing', () => {
    expect(deliver('host', { before: null, after: ann })).toBe('skip')
    expect(deliver('host', { before: ann, after: null })).toBe('skip')
  })

  test('an admin is sent every change, hidden-to-members cells included', () => {
    expect(deliver('admin', { before: null, after: bob })).toBe('upsert')
    expect(deliver('admin', { before: bob, after: null })).toBe('remove')
    expect(deliver('admin', { before: bob, after: bob, changedFields: ['Stripe'] })).toBe('upsert')
  })
})
