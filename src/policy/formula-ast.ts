/**
 * AST helpers the policy needs: which fields a formula mentions, AND of two filters, and a
 * bottom-up rewrite. Nodes are immutable, so every rewrite builds new nodes.
 */
import type { Node, Span } from '../formula/ast.ts'

/** The span given to nodes the policy synthesises (they have no text of their own). */
export const SYNTHETIC_SPAN: Span = Object.freeze({ start: 0, end: 0 })

/** A `FALSE()` call: the filter of a rule that admits no row. */
export const FALSE_NODE: Node = Object.freeze({
  kind: 'call',
  name: 'FALSE',
  args: Object.freeze([]),
  span: SYNTHETIC_SPAN,
})

/** Rewrites `node` bottom-up: `visit` sees each node after its children were rewritten. */
export function mapNode(node: Node, visit: (node: Node) => Node): Node {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'field':
      return visit(node)
    case 'call':
      return visit({ ...node, args: node.args.map((arg) => mapNode(arg, visit)) })
    case 'unary':
      return visit({ ...node, operand: mapNode(node.operand, visit) })
    case 'binary':
      return visit({ ...node, left: mapNode(node.left, visit), right: mapNode(node.right, visit) })
  }
}

/** Calls `visit` on every node, parents before children. */
export function walkNode(node: Node, visit: (node: Node) => void): void {
  visit(node)
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'field':
      return
    case 'call':
      for (const arg of node.args) walkNode(arg, visit)
      return
    case 'unary':
      walkNode(node.operand, visit)
      return
    case 'binary':
      walkNode(node.left, visit)
      walkNode(node.right, visit)
      return
  }
}

/**
 * The field names (or IDs) a formula mentions, as written, each once, in order of appearance.
 * The API refuses a caller's formula that mentions a field hidden from it, so a filter cannot
 * probe hidden values (e.g. `FIND("a", {Email})`).
 */
export function referencedFields(node: Node): string[] {
  const names = new Set<string>()
  walkNode(node, (n) => {
    if (n.kind === 'field') names.add(n.name)
  })
  return [...names]
}

/**
 * `AND(policy, user)` as one `call` node; `null` stands for "every row" on either side. The
 * policy comes first, so a caller's formula is evaluated only on rows the policy admits.
 */
export function andFilters(policy: Node | null, user: Node | null): Node | null {
  if (policy === null) return user
  if (user === null) return policy
  return { kind: 'call', name: 'AND', args: [policy, user], span: SYNTHETIC_SPAN }
}
