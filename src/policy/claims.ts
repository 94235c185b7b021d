/**
 * Claim functions in policy formulas: `USER_EMAIL()`, `USER_ID()`, `USER_ROLE()`,
 * `USER_CLAIM("name")`. A policy formula is parsed once; for each principal these calls are
 * replaced by `string` literal nodes holding the claim's value. Claims never become formula text,
 * so an email such as `") OR 1 OR ("` stays one string value and cannot change the formula.
 *
 * Fail closed: a rule that needs a claim the principal lacks (or holds empty) admits no row,
 * because `{Email} = ""` would otherwise match every row with a blank Email.
 */
import type { Node } from '../formula/ast.ts'
import type { UserPrincipal } from './auth.ts'
import { PolicyConfigError } from './errors.ts'
import { FALSE_NODE, mapNode, walkNode } from './formula-ast.ts'

/** The claim functions policy formulas may call (names upper-cased, as the parser stores them). */
export const CLAIM_FUNCTIONS = ['USER_EMAIL', 'USER_ID', 'USER_ROLE', 'USER_CLAIM'] as const
export type ClaimFunction = (typeof CLAIM_FUNCTIONS)[number]

function isClaimFunction(name: string): name is ClaimFunction {
  return (CLAIM_FUNCTIONS as readonly string[]).includes(name)
}

/**
 * Checks that every claim call in a policy formula is well formed: no arguments, except
 * `USER_CLAIM` with exactly one string literal. Throws {@link PolicyConfigError}.
 */
export function validateClaimCalls(node: Node, where: string): void {
  walkNode(node, (n) => {
    if (n.kind !== 'call' || !isClaimFunction(n.name)) return
    const wanted = n.name === 'USER_CLAIM' ? 1 : 0
    if (n.args.length !== wanted) {
      throw new PolicyConfigError(`${where}: ${n.name}() takes ${wanted} argument(s)`)
    }
    if (n.name === 'USER_CLAIM' && n.args[0]?.kind !== 'string') {
      throw new PolicyConfigError(`${where}: USER_CLAIM() takes a string literal claim name`)
    }
  })
}

/** True when the formula calls a claim function (so it must be bound per principal). */
export function usesClaims(node: Node): boolean {
  let found = false
  walkNode(node, (n) => {
    if (n.kind === 'call' && isClaimFunction(n.name)) found = true
  })
  return found
}

/** The value a claim call stands for, or undefined when the principal lacks it. */
function claimValue(
  call: Extract<Node, { kind: 'call' }>,
  user: UserPrincipal,
): string | undefined {
  switch (call.name) {
    case 'USER_EMAIL':
      return user.email
    case 'USER_ID':
      return user.sub
    case 'USER_ROLE':
      return user.role
    case 'USER_CLAIM': {
      const arg = call.args[0]
      if (arg?.kind !== 'string' || !Object.hasOwn(user.claims, arg.value)) return undefined
      const value = user.claims[arg.value]
      // Only scalars: an object or array has no single text a formula could compare with.
      if (typeof value === 'string') return value
      if (typeof value === 'number' || typeof value === 'boolean') return String(value)
      return undefined
    }
    default:
      return undefined
  }
}

/**
 * Replaces claim calls with string literals carrying the principal's values (keeping each
 * call's span, so errors still point at the policy text). Returns `FALSE()` when a needed claim
 * is missing or empty.
 */
export function bindClaims(node: Node, user: UserPrincipal): Node {
  let missing = false
  const bound = mapNode(node, (n) => {
    if (n.kind !== 'call' || !isClaimFunction(n.name)) return n
    const value = claimValue(n, user)
    if (value === undefined || value === '') {
      missing = true
      return n
    }
    return { kind: 'string', value, span: n.span }
  })
  return missing ? FALSE_NODE : bound
}
