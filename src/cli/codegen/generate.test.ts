import { describe, expect, test } from 'vitest'
import type { BaseSchema } from '../../protocol/index.ts'
import { cellType } from './cell-types.ts'
import { generateTypes, pascalName, quote } from './generate.ts'

const schema: BaseSchema = {
  tables: [
    {
      id: 'tblShopOrders0001',
      name: 'Shop Orders',
      primaryFieldId: 'fldRef00000000001',
      views: [],
      fields: [
        { id: 'fldRef00000000001', name: 'Ref', type: 'singleLineText' },
        { id: 'fldPaid0000000001', name: 'Paid', type: 'checkbox' },
        {
          id: 'fldSize0000000001',
          name: "Size (it's)",
          type: 'singleSelect',
          options: {
            choices: [
              { id: 'selS', name: 'S' },
              { id: 'selL', name: "L'x" },
            ],
          },
        },
        { id: 'fldNo000000000001', name: 'No', type: 'autoNumber' },
        {
          id: 'fldTotal000000001',
          name: 'Total',
          type: 'formula',
          options: { formula: '1', result: { type: 'number' } },
        },
        { id: 'fldItems000000001', name: 'Items', type: 'multipleRecordLinks' },
        {
          id: 'fldItemTags000001',
          name: 'Item Tags',
          type: 'multipleLookupValues',
          options: {
            result: {
              type: 'multipleSelects',
              options: {
                choices: [
                  { id: 'sela', name: 'a' },
                  { id: 'selb', name: 'b' },
                ],
              },
            },
          },
        },
      ],
    },
    {
      id: 'tbl2ndTable000001',
      name: '2nd table',
      primaryFieldId: 'fldName0000000001',
      views: [],
      fields: [{ id: 'fldName0000000001', name: 'Name', type: 'createdTime' }],
    },
  ],
}

const text = generateTypes(schema, { id: 'appShop0000000001', name: 'Shop' })
const lines = text.split('\n')

describe('generateTypes', () => {
  test('a Fields type per table, keyed by name, optional, computed fields readonly', () => {
    expect(lines).toContain('export type ShopOrdersFields = {')
    expect(lines).toContain('  Ref?: string')
    expect(lines).toContain('  Paid?: true')
    expect(lines).toContain(`  'Size (it\\'s)'?: 'S' | 'L\\'x'`)
    expect(lines).toContain('  readonly No?: number')
    expect(lines).toContain('  readonly Total?: number | AirtableErrorValue')
    expect(lines).toContain('  Items?: string[]')
    expect(lines).toContain("  readonly 'Item Tags'?: Array<'a' | 'b'>")
  })

  test('Writable excludes computed fields; constants carry IDs; the tables map names them', () => {
    expect(text).toContain(
      `export type ShopOrdersWritable = Pick<ShopOrdersFields, 'Ref' | 'Paid' | 'Size (it\\'s)' | 'Items'>`,
    )
    expect(lines).toContain("  id: 'tblShopOrders0001',")
    expect(lines).toContain("    Total: 'fldTotal000000001',")
    expect(lines).toContain("    'Item Tags': 'fldItemTags000001',")
    expect(lines).toContain("export const SHOP_BASE_ID = 'appShop0000000001'")
    expect(lines).toContain('export type ShopTables = {')
    expect(lines).toContain("  'Shop Orders': ShopOrdersFields")
    expect(lines).toContain("  '2nd table': T2ndTableFields")
    expect(lines).toContain('export type T2ndTableWritable = Record<never, never>')
  })

  test('pure: the same schema gives the same text', () => {
    expect(generateTypes(schema, { id: 'appShop0000000001', name: 'Shop' })).toBe(text)
  })
})

describe('cellType', () => {
  test.each([
    [{ type: 'email' }, 'string'],
    [{ type: 'currency' }, 'number'],
    [{ type: 'count' }, 'number'],
    [{ type: 'multipleAttachments' }, 'AirtableAttachment[]'],
    [{ type: 'singleCollaborator' }, 'AirtableCollaborator'],
    [{ type: 'lastModifiedBy' }, 'AirtableCollaborator'],
    [{ type: 'multipleCollaborators' }, 'AirtableCollaborator[]'],
    [{ type: 'singleSelect' }, 'string'],
    [{ type: 'multipleSelects', options: { choices: [{ name: 'x' }] } }, "'x'[]"],
    [{ type: 'rollup' }, 'string | number | boolean | AirtableErrorValue'],
    [{ type: 'rollup', options: { result: { type: 'number' } } }, 'number | AirtableErrorValue'],
    [{ type: 'formula', options: { result: { type: 'checkbox' } } }, 'true | AirtableErrorValue'],
    [
      { type: 'multipleLookupValues', options: { result: { type: 'multipleRecordLinks' } } },
      'string[]',
    ],
    [
      {
        type: 'multipleLookupValues',
        options: {
          result: { type: 'multipleLookupValues', options: { result: { type: 'email' } } },
        },
      },
      'string[]',
    ],
    [{ type: 'multipleLookupValues' }, 'unknown[]'],
    [{ type: 'button' }, 'AirtableButton'],
    [{ type: 'barcode' }, 'AirtableBarcode'],
    [{ type: 'somethingNew' }, 'unknown'],
  ])('%j → %s', (field, expected) => {
    expect(cellType(field)).toBe(expected)
  })

  test('names', () => {
    expect(pascalName('Help Desk Prompts')).toBe('HelpDeskPrompts')
    expect(pascalName('Presence Operations')).toBe('PresenceOperations')
    expect(pascalName('café—menu')).toBe('CafeMenu')
    expect(pascalName('!!!')).toBe('Table')
    expect(quote("a'b\\c")).toBe("'a\\'b\\\\c'")
  })
})
