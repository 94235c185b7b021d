/**
 * The one way the SDK puts a value into formula text: an Airtable string literal
 * (airtable-formula.md §1: double quotes with backslash escapes `\"` and `\\`; `\n` for a
 * newline). Quotes, braces and backslashes in the value can then never end the literal or
 * reach the formula as syntax.
 */

/**
 * `value` as a formula string literal.
 * @example formulaString('o"brien@x.test') // → "o\"brien@x.test"
 */
export function formulaString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
  return `"${escaped}"`
}
