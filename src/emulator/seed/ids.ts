/**
 * Determinism for seeds: IDs derived from a seed and a path of names, and a small seeded PRNG
 * for generated data. Same inputs → same outputs, on every machine and Node version.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A 32-bit hash of a string (cyrb53's mixing, truncated), as a PRNG seed. */
export function hashString(text: string, salt = 0): number {
  let h1 = 0xdeadbeef ^ salt
  let h2 = 0x41c6ce57 ^ salt
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (h1 ^ h2) >>> 0
}

/** A seeded PRNG (mulberry32): uniform floats in [0, 1) plus helpers for generators. */
export class Random {
  #state: number
  constructor(seed: number | string) {
    this.#state = typeof seed === 'number' ? seed >>> 0 : hashString(seed)
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  /** One element; the array must not be empty. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new RangeError('pick from an empty list')
    return item
  }
  /** `count` distinct elements (fewer if the array is shorter), in the array's order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const indexes = items.map((_, i) => i)
    for (let i = indexes.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!]
    }
    return indexes
      .slice(0, count)
      .sort((a, b) => a - b)
      .map((i) => items[i]!)
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }
  /** `length` characters from `alphabet`. */
  chars(length: number, alphabet = ALPHABET): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)]
    return out
  }
}

/** An Airtable-shaped ID derived from a seed and a path: `prefix` + 14 base62 characters. */
export function derivedId(prefix: string, seed: string, ...path: (string | number)[]): string {
  return prefix + new Random(hashString([seed, ...path].join('\u0000'), prefix.length)).chars(14)
}
