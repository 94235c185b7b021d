/**
 * The IDs Airtable gives what a write adds (airtable-api.md §5): a new attachment gets an `att…`
 * ID, a collaborator written by email alone a `usr…` ID. The shared cell rules leave them out
 * (the server's outbox sends the cell as written and waits for Airtable's answer); the emulator,
 * playing Airtable, adds them.
 */
import type { Field } from '../../../protocol/index.ts'
import { newId } from '../../../protocol/index.ts'

/** `cell` (a normalized cell of `field`) with Airtable's IDs added where missing. */
export function withAirtableIds(field: Field, cell: unknown): unknown {
  switch (field.type) {
    case 'multipleAttachments':
      return Array.isArray(cell) ? cell.map(withAttachmentId) : cell
    case 'singleCollaborator':
      return withUserId(cell)
    case 'multipleCollaborators':
      return Array.isArray(cell) ? cell.map(withUserId) : cell
    default:
      return cell
  }
}

function withAttachmentId(value: unknown): unknown {
  return isObject(value) && value['id'] === undefined ? { id: newId('att'), ...value } : value
}

/** An email-only collaborator's ID is derived from the email, so one email is one user. */
function withUserId(value: unknown): unknown {
  if (!isObject(value) || value['id'] !== undefined) return value
  const email = value['email']
  return { ...value, id: `usr${hashTo14(typeof email === 'string' ? email : '')}` }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A stable 14-character [A-Za-z0-9] tag for an email, so one email always maps to one user ID. */
function hashTo14(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  let h1 = 0x811c9dc5
  let h2 = 0x1234567
  let out = ''
  for (let i = 0; i < 14; i++) {
    for (const ch of text) {
      h1 = Math.imul(h1 ^ ch.charCodeAt(0), 16777619) >>> 0
      h2 = Math.imul(h2 + ch.charCodeAt(0) + i, 2246822519) >>> 0
    }
    out += alphabet[(h1 ^ h2) % alphabet.length]
    h1 = (h1 + i * 31) >>> 0
  }
  return out
}
