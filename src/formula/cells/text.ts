/**
 * Small readings of REST (V1) cells shared by rendering and sorting: the IDs of a link cell, the
 * text of a scalar, the display text of a collaborator or attachment.
 */

/** The record IDs in a link cell (empty when blank or malformed). */
export function linkIds(cell: unknown): string[] {
  return Array.isArray(cell) ? cell.filter((v): v is string => typeof v === 'string') : []
}

/** Text of a scalar (string, number, boolean); JSON for anything else; '' for nullish. */
export function scalarText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** A collaborator's or attachment's sort text: name, filename, email or ID (undefined if none). */
export function personText(cell: unknown): string | undefined {
  if (typeof cell !== 'object' || cell === null) return undefined
  const record = cell as Record<string, unknown>
  const text = record['name'] ?? record['filename'] ?? record['email'] ?? record['id']
  return typeof text === 'string' ? text : undefined
}
