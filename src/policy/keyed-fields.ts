/**
 * The fields the policies' row rules compare with text (`{Member Email} = USER_EMAIL()`,
 * `{Host Status} = "Active"`): the store keeps an index on each (store/key-indexes.ts), so a
 * rule reads only the rows it admits. A claim call stands for the text it is bound to per user.
 */
import type { Node } from '../formula/ast.ts'
import { keyKind, type KeyKind } from '../formula/index.ts'
import { findField, type Table } from '../protocol/schema.ts'
import type { CompiledPolicy, CompiledRowRule } from './compile.ts'
import { CLAIM_FUNCTIONS } from './claims.ts'
import { walkNode } from './formula-ast.ts'

/** A field a row rule compares with text, and its key kind. */
export interface KeyedField {
  readonly tableId: string
  readonly fieldId: string
  readonly kind: KeyKind
}

const isTextOperand = (node: Node): boolean =>
  node.kind === 'string' ||
  (node.kind === 'call' && (CLAIM_FUNCTIONS as readonly string[]).includes(node.name))

/** The keyed fields of one formula over `table`. */
export function keyedFieldsOf(table: Table, node: Node): KeyedField[] {
  const found: KeyedField[] = []
  walkNode(node, (n) => {
    if (n.kind !== 'binary' || n.op !== '=') return
    const [field, other] = n.left.kind === 'field' ? [n.left, n.right] : [n.right, n.left]
    if (field.kind !== 'field' || !isTextOperand(other)) return
    const resolved = findField(table, field.name)
    const kind = resolved === undefined ? undefined : keyKind(resolved)
    if (resolved !== undefined && kind !== undefined) {
      found.push({ tableId: table.id, fieldId: resolved.id, kind })
    }
  })
  return found
}

/** Every keyed field of every row rule, once each. */
export function policyKeyedFields(
  compiled: CompiledPolicy,
  tables: readonly Table[],
): KeyedField[] {
  const byKey = new Map<string, KeyedField>()
  for (const table of tables) {
    for (const role of Object.values(compiled.byTable.get(table.id) ?? {})) {
      const rules: CompiledRowRule[] = [role.read, role.create, role.update, role.delete]
      for (const rule of rules) {
        if (rule.kind !== 'formula') continue
        for (const key of keyedFieldsOf(table, rule.node)) {
          byKey.set(`${key.tableId}/${key.fieldId}`, key)
        }
      }
    }
  }
  return [...byKey.values()]
}
