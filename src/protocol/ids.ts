/**
 * Airtable object IDs: a 3-letter prefix + 14 characters of [A-Za-z0-9] (airtable-api.md §1).
 * Generation needs randomness; it lives here because emulator, server (temporary IDs) and tests share it.
 */
export const ID_PREFIXES = [
  'app',
  'tbl',
  'fld',
  'viw',
  'rec',
  'sel',
  'att',
  'usr',
  'ach',
  'itr',
  'wsp',
  'com',
  'pat',
  'mut',
] as const
export type IdPrefix = (typeof ID_PREFIXES)[number]

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const ID_PATTERN = /^[a-z]{3}[A-Za-z0-9]{14}$/

/** True when `value` has the shape of an Airtable ID, optionally with the given prefix. */
export function isAirtableId(value: string, prefix?: IdPrefix): boolean {
  return ID_PATTERN.test(value) && (prefix === undefined || value.startsWith(prefix))
}

/** A fresh random ID with the given prefix, using the platform's CSPRNG. */
export function newId(prefix: IdPrefix): string {
  const bytes = crypto.getRandomValues(new Uint8Array(14))
  let id: string = prefix
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length]
  return id
}
