import { describe, expect, test } from 'vitest'
import { ManualClock } from '../../shared/clock.ts'
import type { EmulatedBase } from '../state/index.ts'
import { loadBaseDefinition, type BaseDefinition } from './index.ts'

const NOW = Date.UTC(2026, 2, 10, 15, 30)

/** A shop: customers ↔ orders (inverse created by the base), products ↔ orders (both declared). */
function shop(): BaseDefinition {
  return {
    name: 'Shop',
    seed: 'shop-1',
    tables: [
      {
        name: 'Customers',
        fields: [
          { name: 'Name', type: 'singleLineText' },
          { name: 'Order Count', type: 'count', options: { linkField: 'Orders' } },
          {
            name: 'Spent',
            type: 'rollup',
            options: { linkField: 'Orders', lookupField: 'Total', aggregation: 'SUM(values)' },
          },
          { name: 'Since', type: 'createdTime' },
        ],
        records: [
          {
            id: 'recCustomerAda001',
            createdTime: '2025-01-02T03:04:05.000Z',
            fields: { Name: 'Ada' },
          },
          { fields: { Name: 'Bo' } },
        ],
      },
      {
        name: 'Orders',
        fields: [
          { name: 'Ref', type: 'singleLineText' },
          {
            name: 'Customer',
            type: 'multipleRecordLinks',
            options: { linkedTable: 'Customers', inverseField: 'Orders' },
          },
          {
            name: 'Customer Name',
            type: 'multipleLookupValues',
            options: { linkField: 'Customer', lookupField: 'Name' },
          },
          {
            name: 'Items',
            type: 'multipleRecordLinks',
            options: { linkedTable: 'Products', inverseField: 'In Orders' },
          },
          { name: 'Total', type: 'currency', options: { precision: 2, symbol: '$' } },
          {
            name: 'Size',
            type: 'singleSelect',
            options: { choices: ['S', { name: 'L', color: 'redBright' }] },
          },
          {
            name: 'Label',
            type: 'formula',
            options: { formula: "{Ref} & ' for ' & ARRAYJOIN({Customer Name})" },
          },
        ],
        views: [
          { name: 'Grid view', id: 'viwOrdersGrid0001' },
          {
            name: 'Big',
            filterByFormula: '{Total} > 100',
            sort: [{ field: 'Total', direction: 'desc' }],
          },
        ],
        records: [
          { fields: { Ref: 'A-1', Customer: ['Ada'], Items: ['Pen'], Total: 120, Size: 'L' } },
          {
            fields: {
              Ref: 'A-2',
              Customer: ['recCustomerAda001'],
              Items: ['Pen', 'Ink'],
              Total: 30,
            },
          },
          { fields: { Ref: 'B-1', Customer: ['Bo'], Total: 250 } },
        ],
      },
      {
        name: 'Products',
        fields: [
          { name: 'Name', type: 'singleLineText' },
          {
            name: 'In Orders',
            type: 'multipleRecordLinks',
            options: { linkedTable: 'Orders', inverseField: 'Items' },
          },
        ],
        records: [{ fields: { Name: 'Pen' } }, { fields: { Name: 'Ink' } }],
      },
    ],
  }
}

function load(): EmulatedBase {
  return loadBaseDefinition(shop(), { clock: new ManualClock(NOW) })
}

const rows = (base: EmulatedBase, table: string) =>
  base.list(table).map((r) => base.renderer(table)(r)) as Array<{
    id: string
    createdTime: string
    fields: Record<string, unknown>
  }>

describe('loadBaseDefinition', () => {
  test('the same definition gives the same IDs and records, on any clock time that day', () => {
    const a = load()
    const b = loadBaseDefinition(shop(), { clock: new ManualClock(NOW + 3 * 60 * 60 * 1000) })
    expect(b.id).toBe(a.id)
    expect(b.schema()).toEqual(a.schema())
    for (const table of ['Customers', 'Orders', 'Products'])
      expect(rows(b, table)).toEqual(rows(a, table))
    expect(a.id).toMatch(/^app[A-Za-z0-9]{14}$/)
    const other = loadBaseDefinition({ ...shop(), seed: 'shop-2' }, { clock: new ManualClock(NOW) })
    expect(other.id).not.toBe(a.id)
  })

  test('links are symmetric: inverse created by the base or declared on both sides', () => {
    const base = load()
    const customers = Object.fromEntries(rows(base, 'Customers').map((r) => [r.fields['Name'], r]))
    const orders = Object.fromEntries(rows(base, 'Orders').map((r) => [r.fields['Ref'], r]))
    const products = Object.fromEntries(rows(base, 'Products').map((r) => [r.fields['Name'], r]))
    expect(customers['Ada']?.id).toBe('recCustomerAda001')
    expect(customers['Ada']?.fields['Orders']).toEqual([orders['A-1']?.id, orders['A-2']?.id])
    expect(customers['Bo']?.fields['Orders']).toEqual([orders['B-1']?.id])
    expect(products['Pen']?.fields['In Orders']).toEqual([orders['A-1']?.id, orders['A-2']?.id])
    expect(orders['A-2']?.fields['Items']).toEqual([products['Pen']?.id, products['Ink']?.id])
    const schema = base.schema().tables
    const items = schema.find((t) => t.name === 'Orders')?.fields.find((f) => f.name === 'Items')
    const inOrders = schema
      .find((t) => t.name === 'Products')
      ?.fields.find((f) => f.name === 'In Orders')
    expect(items?.options?.inverseLinkFieldId).toBe(inOrders?.id)
    expect(inOrders?.options?.inverseLinkFieldId).toBe(items?.id)
  })

  test('computed fields are filled: lookup, count, rollup, formula, createdTime', () => {
    const base = load()
    const ada = rows(base, 'Customers').find((r) => r.fields['Name'] === 'Ada')
    expect(ada?.fields).toMatchObject({
      'Order Count': 2,
      Spent: 150,
      Since: '2025-01-02T03:04:05.000Z',
    })
    expect(ada?.createdTime).toBe('2025-01-02T03:04:05.000Z')
    const bo = rows(base, 'Customers').find((r) => r.fields['Name'] === 'Bo')
    // Without a createdTime, a record is created at the start of the loader's day.
    expect(bo?.createdTime).toBe('2026-03-10T00:00:00.000Z')
    const a1 = rows(base, 'Orders').find((r) => r.fields['Ref'] === 'A-1')
    expect(a1?.fields).toMatchObject({ 'Customer Name': ['Ada'], Label: 'A-1 for Ada', Size: 'L' })
  })

  test('views have their filter and sort; listed IDs are kept', () => {
    const base = load()
    expect(base.list('Orders', { view: 'Big' }).map((r) => r.cells)).toHaveLength(2)
    const big = base
      .list('Orders', { view: 'Big' })
      .map((r) => base.renderer('Orders')(r).fields['Ref'])
    expect(big).toEqual(['B-1', 'A-1'])
    expect(base.table('Orders').views.map((v) => [v.name, v.id])).toEqual([
      ['Grid view', 'viwOrdersGrid0001'],
      ['Big', expect.stringMatching(/^viw/)],
    ])
    expect(base.table('Customers').views.map((v) => v.name)).toEqual(['Grid view'])
  })

  test('select choices get derived IDs and keep their colours', () => {
    const size = load()
      .table('Orders')
      .fields.find((f) => f.name === 'Size')
    expect(size?.options?.choices).toEqual([
      { id: expect.stringMatching(/^sel[A-Za-z0-9]{14}$/), name: 'S' },
      { id: expect.stringMatching(/^sel[A-Za-z0-9]{14}$/), name: 'L', color: 'redBright' },
    ])
  })

  test('loading emits nothing and the base starts at transaction 0', () => {
    const base = load()
    expect(base.transactionNumber).toBe(0)
  })

  test('a bulk load equals the same records created one request at a time', () => {
    const bulk = load()
    const byRecord = loadBaseDefinition(shop(), {
      clock: new ManualClock(NOW),
      records: 'recordByRecord',
    })
    expect(bulk.toSnapshot()).toEqual({ ...byRecord.toSnapshot(), transactionNumber: 0 })
    expect(byRecord.transactionNumber).toBeGreaterThan(0)
  })
})
