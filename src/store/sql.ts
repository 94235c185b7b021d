/**
 * SQL helpers shared by the store: the one identifier-quoting function (STYLE habit 13), advisory
 * lock keys, and jsonb parameters.
 */
import { StoreError } from './errors.ts'

/** Quotes an SQL identifier (schema, table, column, channel): doubles inner quotes. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.length > 63 || name.includes('\u0000')) {
    throw new StoreError(`invalid SQL identifier: ${JSON.stringify(name)}`)
  }
  return `"${name.replaceAll('"', '""')}"`
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * Checks a Postgres schema name: lower-case letters, digits and `_` only, because the name also
 * travels in the connection's `options` string, where anything else would need escaping.
 */
export function assertSchemaName(name: string): string {
  if (!SCHEMA_NAME.test(name)) throw new StoreError(`invalid schema name: ${JSON.stringify(name)}`)
  return name
}

/** 32-bit FNV-1a of a string, as a signed int4. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193)
  }
  return hash | 0
}

/**
 * The two int4 keys of `pg_advisory_lock(int4, int4)` for a named lock within a namespace (the
 * Postgres schema), so isolated stores on one server never contend for each other's locks.
 */
export function advisoryLockKeys(namespace: string, key: string): [number, number] {
  return [fnv1a32(`airsync:${namespace}`), fnv1a32(key)]
}

/**
 * A value as a jsonb parameter: always JSON text, because pg turns JS arrays into Postgres array
 * literals. Use with `$n::jsonb`. `undefined` becomes SQL NULL.
 */
export function jsonParam(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value)
}

/** A Date or timestamp string from a row as an ISO string (`2024-01-01T00:00:00.000Z`). */
export function isoOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string') return new Date(value).toISOString()
  throw new StoreError(`not a timestamp: ${typeof value}`)
}

/** Like {@link isoOf} but `null`/`undefined` stay `undefined`. */
export function isoOrUndefined(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : isoOf(value)
}

/** An int8 column as a number (pg may hand strings; PGlite numbers). */
export function numberOf(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new StoreError(`not a number: ${String(value)}`)
  return n
}
