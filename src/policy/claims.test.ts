import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Node } from '../formula/ast.ts'
import type { UserPrincipal } from './auth.ts'
import { bindClaims, usesClaims, validateClaimCalls } from './claims.ts'
import { PolicyConfigError } from './errors.ts'
import { andFilters, FALSE_NODE, referencedFields, walkNode } from './formula-ast.ts'

// Hand-built ASTs: these tests pin the AST-level behaviour independently of the parser.
const span = { start: 0, end: 0 }
const field = (name: string): Node => ({ kind: 'field', name, braced: true, span })
const str = (value: string): Node => ({ kind: 'string', value, span })
const call = (name: string, ...args: Node[]): Node => ({ kind: 'call', name, args, span })
const eq = (left: Node, right: Node): Node => ({ kind: 'binary', op: '=', left, right, span })

const user = (over: Partial<UserPrincipal> = {}): UserPrincipal => ({
  kind: 'user',
  sub: 'user-1',
  email: 'member@presence.test',
  role: 'member',
  claims: { team: 'blue', level: 3, vip: true, nested: { a: 1 }, empty: '' },
  ...over,
})

const OWN_ROW = eq(field('Email'), call('USER_EMAIL'))
const EVERY_CLAIM = call(
  'AND',
  eq(field('Email'), call('USER_EMAIL')),
  eq(field('Owner'), call('USER_ID')),
  eq(field('Role'), call('USER_ROLE')),
  eq(field('Team'), call('USER_CLAIM', str('team'))),
)

/** Every string literal value in the tree, and whether any claim call or unknown node remains. */
function literals(node: Node): { strings: string[]; fields: string[]; claimCalls: number } {
  const out = { strings: [] as string[], fields: [] as string[], claimCalls: 0 }
  walkNode(node, (n) => {
    if (n.kind === 'string') out.strings.push(n.value)
    if (n.kind === 'field') out.fields.push(n.name)
    if (n.kind === 'call' && n.name.startsWith('USER_')) out.claimCalls++
  })
  return out
}

describe('bindClaims', () => {
  test('replaces every claim call by a string literal with the claim value', () => {
    const bound = bindClaims(EVERY_CLAIM, user())
    expect(bound).toEqual(
      call(
        'AND',
        eq(field('Email'), str('member@presence.test')),
        eq(field('Owner'), str('user-1')),
        eq(field('Role'), str('member')),
        eq(field('Team'), str('blue')),
      ),
    )
  })

  test.each([
    ['a number claim', 'level', '3'],
    ['a boolean claim', 'vip', 'true'],
  ])('USER_CLAIM of %s becomes its text', (_name, claim, text) => {
    expect(bindClaims(call('USER_CLAIM', str(claim)), user())).toEqual(str(text))
  })

  test.each([
    ['an absent claim', call('USER_CLAIM', str('missing'))],
    ['an object claim', call('USER_CLAIM', str('nested'))],
    ['an empty claim', call('USER_CLAIM', str('empty'))],
    ['a prototype name', call('USER_CLAIM', str('__proto__'))],
    ['an inherited name', call('USER_CLAIM', str('toString'))],
  ])('%s makes the whole rule admit no row', (_name, claimCall) => {
    expect(bindClaims(call('OR', eq(field('Team'), claimCall), str('x')), user())).toBe(FALSE_NODE)
  })

  test('an empty email cannot match blank Email cells: the rule becomes FALSE()', () => {
    expect(bindClaims(OWN_ROW, user({ email: '' }))).toBe(FALSE_NODE)
  })

  test('leaves other calls and the original tree untouched', () => {
    const node = call('AND', call('LOWER', field('Name')), OWN_ROW)
    const before = JSON.stringify(node)
    bindClaims(node, user())
    expect(JSON.stringify(node)).toBe(before)
    expect(usesClaims(node)).toBe(true)
    expect(usesClaims(call('LOWER', field('Name')))).toBe(false)
  })

  const hostile = fc.oneof(
    fc.string({ minLength: 1 }),
    fc.constantFrom(
      '") OR 1 OR ("',
      "') OR TRUE() OR ('",
      'a"b@x.test',
      "o'brien@x.test",
      '{Email}',
      'x}@y.test',
      'back\\slash@x.test',
      '\\") OR 1 OR (\\"',
      '" & {Stripe Customer ID} & "',
      'USER_EMAIL()',
    ),
  )

  test('property: hostile claims appear only as string literals, never as structure', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (email, sub, team) => {
        const bound = bindClaims(EVERY_CLAIM, user({ email, sub, claims: { team } }))
        const seen = literals(bound)
        // Same shape as the policy: the same fields, no claim call left, the values verbatim.
        expect(seen.fields).toEqual(['Email', 'Owner', 'Role', 'Team'])
        expect(seen.claimCalls).toBe(0)
        expect(seen.strings).toEqual([email, sub, 'member', team])
        expect(bound).toEqual(
          call(
            'AND',
            eq(field('Email'), str(email)),
            eq(field('Owner'), str(sub)),
            eq(field('Role'), str('member')),
            eq(field('Team'), str(team)),
          ),
        )
      }),
    )
  })
})

describe('validateClaimCalls', () => {
  test.each([
    ['USER_EMAIL with an argument', call('USER_EMAIL', str('x'))],
    ['USER_CLAIM without an argument', call('USER_CLAIM')],
    ['USER_CLAIM with a field argument', call('USER_CLAIM', field('Name'))],
    ['USER_CLAIM with two arguments', call('USER_CLAIM', str('a'), str('b'))],
  ])('refuses %s', (_name, node) => {
    expect(() => validateClaimCalls(eq(field('X'), node), 'T/member')).toThrow(PolicyConfigError)
  })

  test('accepts well-formed claim calls', () => {
    expect(() => validateClaimCalls(EVERY_CLAIM, 'T/member')).not.toThrow()
  })
})

describe('referencedFields and andFilters', () => {
  test('lists each field once, in order, from every depth', () => {
    const node = call(
      'IF',
      eq(field('A'), str('x')),
      { kind: 'unary', op: '-', operand: field('B'), span },
      call('CONCATENATE', field('A'), field('C')),
    )
    expect(referencedFields(node)).toEqual(['A', 'B', 'C'])
    expect(referencedFields(str('{Hidden}'))).toEqual([])
  })

  test('AND(policy, user) with the policy first; null means every row', () => {
    const policy = OWN_ROW
    const userFilter = call('OR', str('1'), field('Email'))
    expect(andFilters(policy, userFilter)).toEqual(call('AND', policy, userFilter))
    expect(andFilters(null, userFilter)).toBe(userFilter)
    expect(andFilters(policy, null)).toBe(policy)
    expect(andFilters(null, null)).toBeNull()
  })
})
