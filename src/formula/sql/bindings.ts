/**
 * Per-row bindings of a compiled conjunct: the compiler's common-subexpression elimination. A
 * field read (a date cell parsed by `airsync_iso_ms`, a list cell…) is bound once and referred to
 * by name; a binding used more than once becomes a column of a one-row sub-select evaluated once
 * per row (`OFFSET 0` keeps the planner from folding it back into every use):
 *
 *   (SELECT <conjunct over fx.v1, fx.v2> FROM (SELECT <read 1> AS v1, <read 2> AS v2 OFFSET 0) AS fx)
 *
 * A binding used once is inlined. Invariant: binding expressions never refer to other bindings.
 */

const ALIAS = 'fx'
const NAME = /fx\.v(\d+)/g

/** Collects the bindings of one conjunct. */
export class Bindings {
  readonly #exprs: string[] = []
  readonly #names = new Map<string, string>()

  /** The name of `sql` evaluated once per row; equal expressions share a name. */
  readonly bind = (sql: string): string => {
    if (/fx\.v\d/.test(sql)) throw new Error('a binding refers to another binding')
    let name = this.#names.get(sql)
    if (name === undefined) {
      this.#exprs.push(sql)
      name = `${ALIAS}.v${this.#exprs.length}`
      this.#names.set(sql, name)
    }
    return name
  }

  /** `body` with its bindings: inlined where used once, else from a per-row sub-select. */
  wrap(body: string): string {
    const uses = new Map<number, number>()
    for (const match of body.matchAll(NAME)) {
      const index = Number(match[1])
      uses.set(index, (uses.get(index) ?? 0) + 1)
    }
    const shared = [...uses].filter(([, n]) => n > 1).map(([index]) => index)
    const inlined = body.replace(NAME, (name, digits: string) => {
      const index = Number(digits)
      return (uses.get(index) ?? 0) > 1 ? name : (this.#exprs[index - 1] ?? name)
    })
    if (shared.length === 0) return inlined
    const columns = shared.map((index) => `${this.#exprs[index - 1] ?? 'NULL'} AS v${index}`)
    return `(SELECT ${inlined} FROM (SELECT ${columns.join(', ')} OFFSET 0) AS ${ALIAS})`
  }
}
