import { describe, expect, test } from 'vitest'
import type { Node } from '../formula/ast.ts'
import type { BaseSchema } from '../protocol/schema.ts'
import { createPolicyEngine } from './access.ts'
import type { Principal } from './auth.ts'
import { PolicyConfigError, PolicyError } from './errors.ts'
import { FALSE_NODE } from './formula-ast.ts'
import type { PolicyDocumentInput } from './policy.ts'

// The engine's parser is a port; here it maps the few formula texts used to hand-built ASTs,
// so these tests pin the engine independently of the formula module.
const span = { start: 0, end: 0 }
const field = (name: string): Node => ({ kind: 'field', name, braced: true, span })
const str = (value: string): Node => ({ kind: 'string', value, span })
const call = (name: string, ...args: Node[]): Node => ({ kind: 'call', name, args, span })
const eq = (left: Node, right: Node): Node => ({ kind: 'binary', op: '=', left, right, span })

const FORMULAS: Record<string, Node> = {
  '{Email} = USER_EMAIL()': eq(field('Email'), call('USER_EMAIL')),
  '{Active}': field('Active'),
  '{Nope} = 1': eq(field('Nope'), { kind: 'number', value: 1, span }),
  'USER_EMAIL("x")': call('USER_EMAIL', str('x')),
}
let parses = 0
const parse = (text: string): Node => {
  parses++
  const node = FORMULAS[text]
  if (node === undefined) throw new Error(`syntax error in ${text}`)
  return node
}

const fld = (id: string, name: string, type = 'singleLineText') => ({ id, name, type })
const SCHEMA: BaseSchema = {
  tables: [
    {
      id: 'tblPeople0000000',
      name: 'People',
      primaryFieldId: 'fldName000000000',
      fields: [
        fld('fldName000000000', 'Name'),
        fld('fldEmail00000000', 'Email', 'email'),
        fld('fldSecret0000000', 'Secret'),
        fld('fldBio0000000000', 'Bio'),
      ],
      views: [{ id: 'viwGrid000000000', name: 'Grid', type: 'grid' }],
    },
    {
      id: 'tblNotes00000000',
      name: 'Notes',
      primaryFieldId: 'fldText000000000',
      fields: [fld('fldText000000000', 'Text'), fld('fldActive0000000', 'Active', 'checkbox')],
      views: [],
    },
    {
      id: 'tblLater00000000',
      name: 'Added Later',
      primaryFieldId: 'fldX000000000000',
      fields: [fld('fldX000000000000', 'X')],
      views: [],
    },
  ],
}

const POLICIES: PolicyDocumentInput = {
  tables: {
    People: {
      member: {
        reason: 'own row',
        read: { rows: '{Email} = USER_EMAIL()', fields: ['Name', 'Email', 'fldBio0000000000'] },
        write: { update: '{Email} = USER_EMAIL()', fields: ['Bio'] },
      },
    },
    Notes: {
      member: { reason: 'active notes', read: { rows: '{Active}', fields: 'all' } },
      host: { reason: 'everything, read-only', read: { rows: 'all', fields: ['Text'] } },
    },
  },
  defaults: {
    admin: {
      reason: 'admin',
      read: { rows: 'all', fields: 'all' },
      write: { create: 'all', update: 'all', delete: 'all', fields: 'all' },
    },
  },
}

const member = (email = 'ann@x.test'): Principal => ({
  kind: 'user',
  sub: 'u1',
  email,
  role: 'member',
  claims: {},
})
const host: Principal = { kind: 'user', sub: 'h1', email: 'h@x.test', role: 'host', claims: {} }
const admin: Principal = { kind: 'user', sub: 'a1', email: 'a@x.test', role: 'admin', claims: {} }

const engine = createPolicyEngine({ policies: POLICIES, schema: SCHEMA, parse })

describe('policyFor', () => {
  test('the service key reads and writes everything, unfiltered', () => {
    const access = engine.policyFor({ kind: 'service' }, 'People')
    expect(access).toMatchObject({
      canRead: true,
      rowFilter: null,
      readableFieldIds: 'all',
      writableFieldIds: 'all',
    })
    expect([access.canCreate, access.canUpdate, access.canDelete]).toEqual([true, true, true])
  })

  test('a member gets the row filter bound to their email and field IDs', () => {
    const access = engine.policyFor(member('ann@x.test'), 'People')
    expect(access.canRead).toBe(true)
    expect(access.rowFilter).toEqual(eq(field('Email'), str('ann@x.test')))
    expect(access.readableFieldIds).toEqual(
      new Set(['fldName000000000', 'fldEmail00000000', 'fldBio0000000000']),
    )
    expect(access.writableFieldIds).toEqual(new Set(['fldBio0000000000']))
    expect(access).toMatchObject({
      canCreate: false,
      canUpdate: true,
      canDelete: false,
      reason: 'own row',
    })
    expect(access.create.rowFilter).toBe(FALSE_NODE)
    expect(access.update.rowFilter).toEqual(eq(field('Email'), str('ann@x.test')))
  })

  test('tables resolve by ID as well as by name', () => {
    expect(engine.policyFor(member(), 'tblPeople0000000').rowFilter).toEqual(
      engine.policyFor(member(), 'People').rowFilter,
    )
  })

  test('a filter without claims is shared as is; "all" is null', () => {
    expect(engine.policyFor(member(), 'Notes').rowFilter).toEqual(field('Active'))
    expect(engine.policyFor(host, 'Notes')).toMatchObject({ canRead: true, rowFilter: null })
    expect(engine.policyFor(host, 'Notes').writableFieldIds).toEqual(new Set())
  })

  test('a role without a rule is denied everything (fail closed)', () => {
    const access = engine.policyFor(host, 'People')
    expect(access).toMatchObject({
      canRead: false,
      canCreate: false,
      canUpdate: false,
      canDelete: false,
    })
    expect(access.rowFilter).toBe(FALSE_NODE)
    expect(access.readableFieldIds).toEqual(new Set())
  })

  test('defaults cover roles a table omits and tables the document omits', () => {
    expect(engine.policyFor(admin, 'People')).toMatchObject({
      canRead: true,
      rowFilter: null,
      readableFieldIds: 'all',
    })
    expect(engine.policyFor(admin, 'Added Later')).toMatchObject({
      canDelete: true,
      writableFieldIds: 'all',
    })
    expect(engine.policyFor(member(), 'Added Later').canRead).toBe(false)
  })

  test('an unknown table is 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', () => {
    expect(() => engine.policyFor(member(), 'Nope')).toThrow(PolicyError)
    try {
      engine.policyFor(member(), 'Nope')
    } catch (error) {
      expect(error).toMatchObject({ status: 403, type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND' })
    }
  })

  test('policies are parsed once, not per principal', () => {
    parses = 0
    const fresh = createPolicyEngine({ policies: POLICIES, schema: SCHEMA, parse })
    const atStart = parses
    for (let i = 0; i < 20; i++) fresh.policyFor(member(`m${i}@x.test`), 'People')
    expect(parses).toBe(atStart)
    expect(atStart).toBe(2)
  })
})

describe('compiling against the schema', () => {
  const drifted: PolicyDocumentInput = {
    tables: {
      People: { member: { reason: 'r', read: { rows: '{Nope} = 1', fields: ['Name', 'Gone'] } } },
      Missing: { member: { reason: 'r', read: { rows: 'all', fields: 'all' } } },
    },
  }

  test('unknown fields and tables deny and are reported', () => {
    const e = createPolicyEngine({ policies: drifted, schema: SCHEMA, parse })
    expect(e.problems).toHaveLength(3)
    expect(e.problems.join('\n')).toMatch(/Nope/)
    expect(e.problems.join('\n')).toMatch(/Gone/)
    expect(e.problems.join('\n')).toMatch(/Missing/)
    expect(e.policyFor(member(), 'People')).toMatchObject({ canRead: false, rowFilter: FALSE_NODE })
  })

  test('onUnresolved: throw makes drift a start-up error', () => {
    expect(() =>
      createPolicyEngine({ policies: drifted, schema: SCHEMA, parse, onUnresolved: 'throw' }),
    ).toThrow(PolicyConfigError)
  })

  test.each([
    ['a formula that does not parse', { rows: 'AND(', fields: 'all' as const }],
    ['a malformed claim call', { rows: 'USER_EMAIL("x")', fields: 'all' as const }],
  ])('%s is a configuration error', (_name, read) => {
    const policies = { tables: { People: { member: { reason: 'r', read } } } }
    expect(() => createPolicyEngine({ policies, schema: SCHEMA, parse })).toThrow(PolicyConfigError)
  })

  test.each([
    [
      'a rule without a reason',
      { tables: { People: { member: { read: { rows: 'all', fields: 'all' } } } } },
    ],
    [
      'an unknown role',
      { tables: { People: { guest: { reason: 'r', read: { rows: 'all', fields: 'all' } } } } },
    ],
    [
      'an unknown key',
      {
        tables: {
          People: { member: { reason: 'r', read: { rows: 'all', fields: 'all', sort: 1 } } },
        },
      },
    ],
    [
      'an empty formula',
      { tables: { People: { member: { reason: 'r', read: { rows: '  ', fields: 'all' } } } } },
    ],
  ])('zod refuses %s', (_name, policies) => {
    expect(() =>
      createPolicyEngine({ policies: policies as PolicyDocumentInput, schema: SCHEMA, parse }),
    ).toThrow()
  })
})
