/**
 * The TypeScript type of a field's cell as the REST API (V1 JSON, cellFormat=json) returns it
 * (airtable-api.md §5), written as source text. Shapes shared by many fields (attachments,
 * collaborators, error values) are declared once at the top of the generated file.
 */
import type { Field } from '../../protocol/index.ts'

/** Declarations every generated file starts with; the cell types below refer to them. */
export const SHARED_TYPES = [
  '/** An attachment cell item. */',
  'export type AirtableAttachment = {',
  '  id: string',
  '  url: string',
  '  filename: string',
  '  size?: number',
  '  type?: string',
  '  width?: number',
  '  height?: number',
  '  thumbnails?: Record<string, { url: string; width: number; height: number }>',
  '}',
  '',
  '/** A collaborator (user) cell. */',
  'export type AirtableCollaborator = { id: string; email?: string; name?: string }',
  '',
  '/** What a computed cell holds when its formula fails, e.g. `{ error: "#ERROR!" }`. */',
  'export type AirtableErrorValue = { error: string }',
  '',
  '/** A button cell. */',
  'export type AirtableButton = { label: string; url: string | null }',
  '',
  '/** A barcode cell. */',
  'export type AirtableBarcode = { text: string; type?: string }',
  '',
  '/** An AI text cell. */',
  'export type AirtableAiText = { state: string; value: string | null; isStale: boolean }',
]

const TEXT = new Set([
  'singleLineText',
  'multilineText',
  'richText',
  'email',
  'url',
  'phoneNumber',
  'date',
  'dateTime',
  'createdTime',
  'lastModifiedTime',
  'externalSyncSource',
])
const NUMBER = new Set([
  'number',
  'percent',
  'currency',
  'rating',
  'duration',
  'autoNumber',
  'count',
])
const COLLABORATOR = new Set(['singleCollaborator', 'createdBy', 'lastModifiedBy'])
/** A formula or rollup whose result type is unknown may hold any scalar. */
const ANY_RESULT = 'string | number | boolean | AirtableErrorValue'

/** A field as far as its cell type goes: a type and options (a lookup's `result` is one). */
interface FieldShape {
  type: string
  options?: Record<string, unknown> | undefined
}

function choiceUnion(options: FieldShape['options']): string {
  const choices = options?.['choices']
  if (!Array.isArray(choices) || choices.length === 0) return 'string'
  const names = choices
    .map((c: unknown) => (typeof c === 'object' && c !== null ? (c as { name?: unknown }).name : c))
    .filter((n): n is string => typeof n === 'string')
  if (names.length === 0) return 'string'
  return [...new Set(names)]
    .map((n) => `'${n.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)
    .join(' | ')
}

function resultOf(options: FieldShape['options']): FieldShape | undefined {
  const result = options?.['result']
  if (typeof result !== 'object' || result === null) return undefined
  const shape = result as { type?: unknown; options?: unknown }
  if (typeof shape.type !== 'string') return undefined
  const inner = shape.options
  return typeof inner === 'object' && inner !== null
    ? { type: shape.type, options: inner as Record<string, unknown> }
    : { type: shape.type }
}

/** `T[]`, parenthesised when T is a union. */
function arrayOf(element: string): string {
  return /[|&]/.test(element) ? `Array<${element}>` : `${element}[]`
}

/** The type of one element of a lookup: arrays of the looked-up cells are flattened. */
function elementType(shape: FieldShape): string {
  switch (shape.type) {
    case 'multipleSelects':
      return choiceUnion(shape.options)
    case 'multipleRecordLinks':
      return 'string'
    case 'multipleAttachments':
      return 'AirtableAttachment'
    case 'multipleCollaborators':
      return 'AirtableCollaborator'
    case 'multipleLookupValues': {
      const result = resultOf(shape.options)
      return result === undefined ? 'unknown' : elementType(result)
    }
    default:
      return shapeType(shape)
  }
}

function shapeType(shape: FieldShape): string {
  const { type, options } = shape
  if (TEXT.has(type)) return 'string'
  if (NUMBER.has(type)) return 'number'
  if (COLLABORATOR.has(type)) return 'AirtableCollaborator'
  switch (type) {
    case 'checkbox':
      // Airtable omits false: a present checkbox cell is always true.
      return 'true'
    case 'singleSelect':
      return choiceUnion(options)
    case 'multipleSelects':
      return arrayOf(choiceUnion(options))
    case 'multipleRecordLinks':
      return 'string[]'
    case 'multipleAttachments':
      return 'AirtableAttachment[]'
    case 'multipleCollaborators':
      return 'AirtableCollaborator[]'
    case 'multipleLookupValues': {
      const result = resultOf(options)
      return arrayOf(result === undefined ? 'unknown' : elementType(result))
    }
    case 'formula':
    case 'rollup': {
      const result = resultOf(options)
      if (result === undefined) return ANY_RESULT
      return `${shapeType(result)} | AirtableErrorValue`
    }
    case 'button':
      return 'AirtableButton'
    case 'barcode':
      return 'AirtableBarcode'
    case 'aiText':
      return 'AirtableAiText'
    default:
      return 'unknown'
  }
}

/** The TypeScript type of `field`'s cell, e.g. `string`, `'Trial' | 'Premium'`, `string[]`. */
export function cellType(field: { type: Field['type']; options?: object | undefined }): string {
  const options = field.options as Record<string, unknown> | undefined
  return shapeType(options === undefined ? { type: field.type } : { type: field.type, options })
}
