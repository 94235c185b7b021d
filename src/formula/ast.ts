/**
 * The formula AST: immutable, `kind`-tagged, every node with its source span. It is the one input
 * of the JS evaluator (evaluate.ts) and the SQL compiler (compile-sql.ts); both switch on `kind`.
 */

/** Half-open character range `[start, end)` in the formula text. */
export interface Span {
  readonly start: number
  readonly end: number
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '&' | '=' | '!=' | '<' | '>' | '<=' | '>='

export type Node =
  | { readonly kind: 'number'; readonly value: number; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly span: Span }
  /** `{Field Name}` or a bare name; `name` is exactly as written (resolved against the schema later). */
  | { readonly kind: 'field'; readonly name: string; readonly braced: boolean; readonly span: Span }
  /** Function call; `name` is upper-cased (function names are case-insensitive). */
  | {
      readonly kind: 'call'
      readonly name: string
      readonly args: readonly Node[]
      readonly span: Span
    }
  | { readonly kind: 'unary'; readonly op: '-'; readonly operand: Node; readonly span: Span }
  | {
      readonly kind: 'binary'
      readonly op: BinaryOperator
      readonly left: Node
      readonly right: Node
      readonly span: Span
    }

export type NodeKind = Node['kind']
export type NodeOf<K extends NodeKind> = Extract<Node, { kind: K }>
