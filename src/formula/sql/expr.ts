/**
 * AST node → typed SQL expression: the compiler's one switch on `kind` (STYLE habit 13).
 * Literals become parameters; text containing what Postgres text cannot hold (NUL, lone
 * surrogates) is unsupported, so it never reaches SQL and the formula runs in JS instead.
 */
import type { Node } from '../ast.ts'
import { callExpr } from './functions.ts'
import { fieldExpr } from './fields.ts'
import { binaryExpr, negateExpr } from './operators.ts'
import { unsupported, type CompileContext, type Expr } from './types.ts'

const NOT_POSTGRES_TEXT =
  /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Compiles one node; throws Unsupported for what SQL cannot do exactly. */
export function compileExpr(node: Node, ctx: CompileContext): Expr {
  const compile = (child: Node): Expr => compileExpr(child, ctx)
  switch (node.kind) {
    case 'number':
      return { type: 'number', sql: ctx.params.number(node.value) }
    case 'string':
      if (NOT_POSTGRES_TEXT.test(node.value)) return unsupported('text Postgres cannot hold')
      return { type: 'text', sql: ctx.params.text(node.value) }
    case 'boolean':
      return { type: 'bool', sql: node.value ? 'true' : 'false' }
    case 'field': {
      const field = ctx.resolver.field(node.name)
      if (field === undefined) return unsupported(`unknown field`)
      return fieldExpr(ctx, field)
    }
    case 'unary':
      return negateExpr(ctx.params, compile(node.operand))
    case 'binary':
      return binaryExpr(ctx.params, node.op, [compile(node.left), compile(node.right)])
    case 'call':
      return callExpr(node, compile, ctx)
  }
}
