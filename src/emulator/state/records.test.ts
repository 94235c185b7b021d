import { describe, expect, test } from 'vitest'
import { EmulatedBase } from './base.ts'
import { API, byName, errorOf, makeBase } from './testing.ts'

describe('create and get', () => {
  test('stores non-empty cells and omits empty ones, keeps 0', () => {
    const { base } = makeBase()
    const [rec] = base.create(
      'People',
      [{ fields: { Name: 'Ada', Age: 0, Active: false, Notes: '', Tags: [], Email: null } }],
      API,
    )
    const fields = byName(base, 'People', rec!)
    expect(fields['Name']).toBe('Ada')
    expect(fields['Age']).toBe(0)
    for (const empty of ['Active', 'Notes', 'Tags', 'Email'])
      expect(fields).not.toHaveProperty(empty)
  })

  test('createdTime is second-precision ISO UTC and ids are rec + 14', () => {
    const { base, clock } = makeBase()
    clock.advance(1234)
    const [rec] = base.create('People', [{ fields: { Name: 'A' } }], API)
    expect(rec!.createdTime).toBe('2026-01-01T12:00:01.000Z')
    expect(rec!.id).toMatch(/^rec[A-Za-z0-9]{14}$/)
    expect(base.get('People', rec!.id)).toEqual(rec)
  })

  test('fields by name or by ID; tables by name or ID', () => {
    const { base } = makeBase()
    const [rec] = base.create(
      'tblPeople00000001',
      [{ fields: { fldName0000000001: 'By id' } }],
      API,
    )
    expect(base.get('People', rec!.id).cells['fldName0000000001']).toBe('By id')
  })

  test('unknown table → 403, unknown record → 404 MODEL_ID_NOT_FOUND', () => {
    const { base } = makeBase()
    const noTable = errorOf(() => base.list('Nope'))
    expect([noTable.status, noTable.type]).toEqual([403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND'])
    const noRecord = errorOf(() => base.get('People', 'recXXXXXXXXXXXXXX'))
    expect([noRecord.status, noRecord.type, noRecord.message]).toEqual([
      404,
      'MODEL_ID_NOT_FOUND',
      'Record not found',
    ])
  })

  test.each([
    [{ Nope: 1 }, 'UNKNOWN_FIELD_NAME', 'Unknown field name: "Nope"'],
    [{ Age: 'ten' }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Age" cannot accept the provided value'],
    [
      { Active: 'yes' },
      'INVALID_VALUE_FOR_COLUMN',
      'Field "Active" cannot accept the provided value',
    ],
    [{ Tags: 'a' }, 'INVALID_VALUE_FOR_COLUMN', 'Field "Tags" cannot accept the provided value'],
    [
      { Born: '15/03/2024' },
      'INVALID_VALUE_FOR_COLUMN',
      'Field "Born" cannot accept the provided value',
    ],
    [
      { Label: 'x' },
      'INVALID_VALUE_FOR_COLUMN',
      'Field "Label" cannot accept a value because the field is computed',
    ],
    [
      { 'Session Count': 3 },
      'INVALID_VALUE_FOR_COLUMN',
      'Field "Session Count" cannot accept a value because the field is computed',
    ],
    [
      { Status: 'Unknown' },
      'INVALID_MULTIPLE_CHOICE_OPTIONS',
      'Insufficient permissions to create new select option ""Unknown""',
    ],
    [
      { Status: 'pending' },
      'INVALID_MULTIPLE_CHOICE_OPTIONS',
      'Insufficient permissions to create new select option ""pending""',
    ],
    [
      { Sessions: ['recMissing0000001'] },
      'ROW_DOES_NOT_EXIST',
      'Record ID recMissing0000001 does not exist in this table',
    ],
  ])('invalid write %j → %s', (fields, type, message) => {
    const { base } = makeBase()
    const error = errorOf(() => base.create('People', [{ fields }], API))
    expect([error.status, error.type, error.message]).toEqual([422, type, message])
  })

  test('computed null write is rejected by default and ignorable by switch [?]', () => {
    expect(
      errorOf(() => makeBase().base.create('People', [{ fields: { Label: null } }], API)).type,
    ).toBe('INVALID_VALUE_FOR_COLUMN')
    const { base } = makeBase({ computedNullWrite: 'ignore' })
    expect(base.create('People', [{ fields: { Name: 'A', Label: null } }], API)).toHaveLength(1)
  })

  test('a batch with one bad record creates nothing and emits nothing (atomic)', () => {
    const { base, transactions } = makeBase()
    const error = errorOf(() =>
      base.create('People', [{ fields: { Name: 'ok' } }, { fields: { Label: 'x' } }], API),
    )
    expect(error.type).toBe('INVALID_VALUE_FOR_COLUMN')
    expect(base.count('People')).toBe(0)
    expect(transactions).toHaveLength(0)
    expect(base.transactionNumber).toBe(3 + 2)
  })

  test('zone-less dateTime is read in the field zone; zoned and epoch values are UTC', () => {
    const { base } = makeBase()
    const [a, b, c] = base.create(
      'People',
      [
        { fields: { Seen: '2026-07-01T09:30' } },
        { fields: { Seen: '2026-01-15T09:30:00.000Z' } },
        { fields: { Seen: Date.UTC(2026, 0, 2) } },
      ],
      API,
    )
    expect(byName(base, 'People', a!)['Seen']).toBe('2026-07-01T13:30:00.000Z') // New York, summer: UTC-4
    expect(byName(base, 'People', b!)['Seen']).toBe('2026-01-15T09:30:00.000Z')
    expect(byName(base, 'People', c!)['Seen']).toBe('2026-01-02T00:00:00.000Z')
  })
})

describe('update', () => {
  test('PATCH changes listed fields only; null clears; response is the full record', () => {
    const { base } = makeBase()
    const [rec] = base.create('People', [{ fields: { Name: 'Ada', Age: 36, Notes: 'x' } }], API)
    const [after] = base.update('People', [{ id: rec!.id, fields: { Age: 37, Notes: null } }], {
      ...API,
      destructive: false,
    })
    expect(byName(base, 'People', after!)).toMatchObject({
      Name: 'Ada',
      Age: 37,
      Label: 'Ada (37)',
    })
    expect(byName(base, 'People', after!)).not.toHaveProperty('Notes')
  })

  test('PUT clears every editable field not listed, keeps computed ones', () => {
    const { base } = makeBase()
    const [rec] = base.create('People', [{ fields: { Name: 'Ada', Age: 36, Active: true } }], API)
    const [after] = base.update('People', [{ id: rec!.id, fields: { Name: 'Bea' } }], {
      ...API,
      destructive: true,
    })
    const fields = byName(base, 'People', after!)
    expect(fields).toMatchObject({ Name: 'Bea', Label: 'Bea ()', 'Session Count': 0 })
    expect(fields).not.toHaveProperty('Age')
    expect(fields).not.toHaveProperty('Active')
  })

  test('unknown id → ROW_DOES_NOT_EXIST and nothing changes', () => {
    const { base } = makeBase()
    const [rec] = base.create('People', [{ fields: { Name: 'Ada' } }], API)
    const error = errorOf(() =>
      base.update(
        'People',
        [
          { id: rec!.id, fields: { Name: 'Changed' } },
          { id: 'recNope0000000001', fields: {} },
        ],
        { ...API, destructive: false },
      ),
    )
    expect([error.type, error.message]).toEqual([
      'ROW_DOES_NOT_EXIST',
      'Record ID recNope0000000001 does not exist in this table',
    ])
    expect(base.get('People', rec!.id).cells['fldName0000000001']).toBe('Ada')
  })

  test('a record id of another table does not exist in this table', () => {
    const { base } = makeBase()
    const [session] = base.create('Sessions', [{ fields: { Ref: 'S' } }], API)
    expect(
      errorOf(() =>
        base.update('People', [{ id: session!.id, fields: {} }], { ...API, destructive: false }),
      ).type,
    ).toBe('ROW_DOES_NOT_EXIST')
  })

  test('stored records are immutable snapshots: a later write does not change an earlier result', () => {
    const { base } = makeBase()
    const [rec] = base.create('People', [{ fields: { Name: 'Ada' } }], API)
    const listed = base.list('People')
    base.update('People', [{ id: rec!.id, fields: { Name: 'Bea' } }], {
      ...API,
      destructive: false,
    })
    expect(listed[0]!.cells['fldName0000000001']).toBe('Ada')
    expect(base.get('People', rec!.id).cells['fldName0000000001']).toBe('Bea')
  })
})

describe('delete', () => {
  test('deletes, and unknown ids fail the whole request', () => {
    const { base } = makeBase()
    const recs = base.create('People', [{ fields: { Name: 'A' } }, { fields: { Name: 'B' } }], API)
    expect(errorOf(() => base.delete('People', [recs[0]!.id, 'recNope0000000001'], API)).type).toBe(
      'ROW_DOES_NOT_EXIST',
    )
    expect(base.count('People')).toBe(2)
    expect(base.delete('People', [recs[0]!.id], API)).toEqual([recs[0]!.id])
    expect(base.list('People').map((r) => r.id)).toEqual([recs[1]!.id])
  })
})

describe('transactions', () => {
  test('each write emits one numbered transaction with source, user and previous values', () => {
    const { base, transactions, clock } = makeBase()
    const user = { id: 'usrAAAAAAAAAAAAAA', email: 'ops@x.test', name: 'Ops' }
    const [rec] = base.create('People', [{ fields: { Name: 'Ada', Age: 1 } }], {
      source: 'client',
      user,
    })
    clock.advance(5000)
    base.update('People', [{ id: rec!.id, fields: { Age: 2 } }], { ...API, destructive: false })
    base.delete('People', [rec!.id], API)
    expect(transactions.map((t) => [t.baseTransactionNumber, t.source])).toEqual([
      [6, 'client'],
      [7, 'publicApi'],
      [8, 'publicApi'],
    ])
    expect(transactions[0]!.user).toEqual(user)
    const people = 'tblPeople00000001'
    const created = transactions[0]!.tables.get(people)!.createdRecords.get(rec!.id)!
    expect(created.cells).toMatchObject({ fldName0000000001: 'Ada' })
    const changed = transactions[1]!.tables.get(people)!.changedRecords.get(rec!.id)!
    const age = base.table('People').fields.find((f) => f.name === 'Age')!.id
    const label = base.table('People').fields.find((f) => f.name === 'Label')!.id
    expect(changed.current).toEqual({ [age]: 2, [label]: 'Ada (2)' })
    expect(changed.previous).toEqual({ [age]: 1, [label]: 'Ada (1)' })
    expect(transactions[1]!.timestamp).toBe('2026-01-01T12:00:05.000Z')
    expect(transactions[2]!.tables.get(people)!.destroyedRecordIds).toEqual([rec!.id])
  })

  test('unsubscribe stops delivery', () => {
    const { base } = makeBase()
    const seen: number[] = []
    const unsubscribe = base.subscribe((tx) => seen.push(tx.baseTransactionNumber))
    base.create('People', [{ fields: { Name: 'A' } }], API)
    unsubscribe()
    base.create('People', [{ fields: { Name: 'B' } }], API)
    expect(seen).toEqual([6])
  })

  test('a throwing listener is reported and does not undo the write', () => {
    const errors: unknown[] = []
    const base = new EmulatedBase({
      id: 'appX0000000000001',
      name: 'X',
      onListenerError: (e) => errors.push(e),
    })
    base.subscribe(() => {
      throw new Error('listener broke')
    })
    base.createTable({ name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }] }, API)
    expect(base.table('T').name).toBe('T')
    expect(errors).toHaveLength(1)
  })
})

describe('insertRecords (seeds)', () => {
  test('keeps given ids and createdTime; validates like create', () => {
    const { base } = makeBase()
    const [rec] = base.insertRecords(
      'Sessions',
      [{ id: 'recSeed0000000001', createdTime: '2025-03-04T05:06:07.890Z', fields: { Ref: 'S' } }],
      API,
    )
    expect(rec!.id).toBe('recSeed0000000001')
    expect(byName(base, 'Sessions', rec!)).toMatchObject({
      Created: '2025-03-04T05:06:07.000Z',
      Ref: 'S',
      No: 1,
    })
    expect(
      errorOf(() => base.insertRecords('People', [{ id: 'recSeed0000000001', fields: {} }], API))
        .status,
    ).toBe(422)
    expect(
      errorOf(() => base.insertRecords('People', [{ id: 'bad', fields: {} }], API)).status,
    ).toBe(422)
    expect(errorOf(() => base.insertRecords('People', [{ fields: { Nope: 1 } }], API)).type).toBe(
      'UNKNOWN_FIELD_NAME',
    )
    expect(base.insertRecords('People', [{ fields: { Name: 'generated' } }], API)[0]!.id).toMatch(
      /^rec/,
    )
  })
})
