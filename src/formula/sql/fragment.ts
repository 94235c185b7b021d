/**
 * SQL building blocks of the formula compiler (STYLE habit 13): a parameter collector and the one
 * identifier-quoting function. Invariant: user text (string literals, field names and IDs,
 * regular expressions) reaches SQL only as a `$n` parameter; the text of a fragment holds only
 * SQL the compiler wrote itself, numbered placeholders and quoted identifiers.
 */

/**
 * A piece of SQL and its values, placeholders numbered from `$1` within the fragment (the same
 * shape as store's `SqlFragment`, declared here because formula/ imports only shared/).
 */
export interface SqlFragment {
  readonly text: string
  readonly params: readonly unknown[]
}

/** The Postgres types a parameter is cast to. */
export type ParamCast = 'text' | 'float8' | 'text[]'

/** Quotes an SQL identifier (a collation name): doubles inner quotes; rejects NUL. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.length > 63 || name.includes('\u0000')) {
    throw new Error(`invalid SQL identifier: ${JSON.stringify(name)}`)
  }
  return `"${name.replaceAll('"', '""')}"`
}

/** Collects parameters for one fragment; equal values share a placeholder. */
export class SqlParams {
  readonly values: unknown[] = []
  readonly #index = new Map<string, number>()

  /** A typed placeholder (`$3::text`) for `value`. */
  add(value: string | number, cast: ParamCast): string {
    const key = `${cast}\u0000${typeof value}\u0000${String(value)}`
    let index = this.#index.get(key)
    if (index === undefined) {
      this.values.push(value)
      index = this.values.length
      this.#index.set(key, index)
    }
    return `$${index}::${cast}`
  }

  /** A text placeholder. */
  text(value: string): string {
    return this.add(value, 'text')
  }

  /** A float8 placeholder (numbers, including `NaN` and infinities, travel as text). */
  number(value: number): string {
    return this.add(Number.isFinite(value) ? value : String(value), 'float8')
  }

  /**
   * The fragment of `text` with the parameters it uses, renumbered: subexpressions compiled and
   * then dropped (a branch found unsupported, a constant error) leave values no placeholder uses,
   * and Postgres rejects a parameter whose type it cannot infer.
   */
  fragment(text: string): SqlFragment {
    const renumbered = new Map<number, number>()
    const params: unknown[] = []
    const out = text.replace(PLACEHOLDER, (_m, digits: string) => {
      const old = Number(digits)
      let index = renumbered.get(old)
      if (index === undefined) {
        params.push(this.values[old - 1])
        index = params.length
        renumbered.set(old, index)
      }
      return `$${index}`
    })
    return { text: out, params }
  }
}

const PLACEHOLDER = /\$(\d+)/g

/** Joins fragments with `separator`, renumbering each one's placeholders after the previous. */
export function joinFragments(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  const params: unknown[] = []
  const texts = fragments.map((fragment) => {
    const shift = params.length
    params.push(...fragment.params)
    return fragment.text.replace(PLACEHOLDER, (_m, digits: string) => `$${Number(digits) + shift}`)
  })
  return { text: texts.join(separator), params }
}

/** `a OR b OR …` over the present, distinct parts; undefined when none is present. */
export function anyOf(...parts: readonly (string | undefined)[]): string | undefined {
  const present = [...new Set(parts.filter((p): p is string => p !== undefined))]
  if (present.length === 0) return undefined
  return present.length === 1 ? present[0] : `(${present.join(' OR ')})`
}

/** `COALESCE(condition, false)`: a two-valued boolean. */
export function isTrue(condition: string | undefined): string {
  return condition === undefined ? 'false' : `COALESCE(${condition}, false)`
}
