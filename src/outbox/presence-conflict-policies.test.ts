import { describe, expect, test } from 'vitest'
import type { BaseSchema } from '../protocol/index.ts'
import { resolveConflictPolicies, type ConflictPolicyDocument } from './conflict-policies.ts'
import { CONFLICT_POLICIES, resolveThreeWay } from './conflict.ts'
import { PRESENCE_CONFLICT_POLICIES } from './presence-conflict-policies.ts'

// The fields of the Presence seed (src/emulator/seed/presence-schema.ts) that matter here.
// outbox/ may not import emulator/, so they are copied; names and types must match the seed.
const TABLES: Record<string, [string, string][]> = {
  'Members Registry': [
    ['Full Name', 'singleLineText'],
    ['Email', 'email'],
    ['Profile Photo', 'multipleAttachments'],
    ['About You', 'multilineText'],
    ['Verification Status', 'singleSelect'],
    ['Member Type', 'singleSelect'],
    ['Interests', 'multipleSelects'],
    ['Preferred Host Languages', 'multipleSelects'],
    ['Preferred Personality Tags', 'multipleSelects'],
    ['Preferred Session Length', 'singleSelect'],
    ['Stripe Customer ID', 'singleLineText'],
    ['Last Active', 'dateTime'],
  ],
  'Hosts Registry': [
    ['Full Name', 'singleLineText'],
    ['Languages Spoken', 'multipleSelects'],
    ['Personality Tags', 'multipleSelects'],
    ['Availability', 'multipleSelects'],
  ],
  'Presence Operations': [
    ['Booking Ref', 'singleLineText'],
    ['Booking Status', 'singleSelect'],
    ['Payment Status', 'singleSelect'],
    ['Video Room Status', 'singleSelect'],
    ['Host Joined', 'checkbox'],
    ['Member Joined', 'checkbox'],
  ],
  Templates: [
    ['Template Name', 'singleLineText'],
    ['Message Body', 'multilineText'],
  ],
  'Help Desk Prompts': [
    ['Topic', 'singleLineText'],
    ['Default Response', 'multilineText'],
  ],
  Likes: [['Direction', 'singleSelect']],
}

const slug = (name: string): string => name.replace(/[^A-Za-z]/g, '').slice(0, 10)
const SCHEMA: BaseSchema = {
  tables: Object.entries(TABLES).map(([name, fields]) => ({
    id: `tbl${slug(name)}`,
    name,
    primaryFieldId: `fld${slug(fields[0]?.[0] ?? '')}`,
    fields: fields.map(([fieldName, type]) => ({
      id: `fld${slug(fieldName)}`,
      name: fieldName,
      type,
    })),
    views: [],
  })),
}
const lookup = resolveConflictPolicies(PRESENCE_CONFLICT_POLICIES, SCHEMA)

describe('Presence conflict policies', () => {
  test('every declared table and field exists, and merge-sets only on lists', () => {
    expect(lookup.problems).toEqual([])
  })

  test('every declaration has a reason and a known policy', () => {
    const document: ConflictPolicyDocument = PRESENCE_CONFLICT_POLICIES
    const all = [
      document.defaultPolicy,
      ...Object.values(document.tables).flatMap((t) => [t, ...Object.values(t.fields ?? {})]),
    ]
    for (const declared of all) {
      expect(declared.reason.length).toBeGreaterThan(10)
      expect(CONFLICT_POLICIES).toContain(declared.policy)
    }
  })

  test.each([
    ['Members Registry', 'Interests', 'merge-sets'],
    ['Members Registry', 'About You', 'latest-wins'],
    ['Members Registry', 'Verification Status', 'remote-wins'],
    ['Presence Operations', 'Booking Status', 'manual'],
    ['Presence Operations', 'Member Joined', 'local-wins'],
    ['Presence Operations', 'Booking Ref', 'remote-wins'],
    ['Templates', 'Template Name', 'latest-wins'],
  ])('%s.%s is %s', (table, field, policy) => {
    expect(lookup.policyFor(`tbl${slug(table)}`, `fld${slug(field)}`)).toBe(policy)
  })

  test('an unknown table falls back to the default', () => {
    expect(lookup.policyFor('tblNope', 'fldNope')).toBe('remote-wins')
  })

  test('a member editing interests offline while ops verified them and added a tag', () => {
    const table = `tbl${slug('Members Registry')}`
    const result = resolveThreeWay({
      base: { fldInterests: ['Art'], fldVerificati: 'Pending' },
      remote: { fldInterests: ['Art', 'Music'], fldVerificati: 'Verified' },
      local: { fldInterests: ['Art', 'Travel'], fldVerificati: 'Rejected' },
      mode: 'patch',
      policyFor: (fieldId) => lookup.policyFor(table, fieldId),
    })
    expect(result.fields).toEqual({ fldInterests: ['Art', 'Music', 'Travel'] })
    expect(result.conflicts.map((c) => [c.fieldId, c.resolution])).toEqual([
      ['fldInterests', 'merged'],
      ['fldVerificati', 'remote'],
    ])
  })
})

test('resolveConflictPolicies reports unknown names and merge-sets on a non-list', () => {
  const result = resolveConflictPolicies(
    {
      defaultPolicy: { policy: 'manual', reason: 'test' },
      tables: {
        Nope: { policy: 'local-wins', reason: 'x' },
        Templates: {
          policy: 'local-wins',
          reason: 'x',
          fields: {
            Gone: { policy: 'manual', reason: 'x' },
            'Message Body': { policy: 'merge-sets', reason: 'x' },
          },
        },
      },
    },
    SCHEMA,
  )
  expect(result.problems).toEqual([
    'conflict policies: no table "Nope"',
    'conflict policies: no field "Gone" in "Templates"',
    'conflict policies: "Templates.Message Body" is multilineText, not a list: merge-sets holds its conflicts',
  ])
  expect(result.policyFor('tblTemplates', 'fldTemplateNa')).toBe('local-wins')
  expect(result.policyFor('tblNope', 'fldX')).toBe('manual')
})
