import { describe, expect, test } from 'vitest'
import { API, errorOf, makeBase } from './testing.ts'

describe('createTable', () => {
  test('first field is primary, default Grid view, ids generated, emitted as a created table', () => {
    const { base, transactions } = makeBase()
    const table = base.createTable(
      {
        name: 'Tasks',
        description: 'to do',
        fields: [
          { name: 'Title', type: 'singleLineText' },
          { name: 'Done', type: 'checkbox' },
        ],
      },
      API,
    )
    expect(table.id).toMatch(/^tbl[A-Za-z0-9]{14}$/)
    expect(table.primaryFieldId).toBe(table.fields[0]!.id)
    expect(table.views).toEqual([
      { id: expect.stringMatching(/^viw/), name: 'Grid view', type: 'grid' },
    ])
    expect(table.fields[1]!.options).toMatchObject({ icon: 'check', color: 'greenBright' })
    expect(transactions.at(-1)!.createdTables.get(table.id)!.name).toBe('Tasks')
    expect(base.schema().tables.map((t) => t.name)).toEqual(['People', 'Sessions', 'Tasks'])
  })

  test.each([
    [
      { name: 'people', fields: [{ name: 'A', type: 'singleLineText' }] },
      'INVALID_REQUEST_UNKNOWN',
    ],
    [{ name: 'T', fields: [] }, 'INVALID_REQUEST_UNKNOWN'],
    [
      {
        name: 'T',
        fields: [
          { name: 'A', type: 'singleLineText' },
          { name: 'a', type: 'number' },
        ],
      },
      'DUPLICATE_OR_EMPTY_FIELD_NAME',
    ],
    [
      { name: 'T', fields: [{ name: ' ', type: 'singleLineText' }] },
      'DUPLICATE_OR_EMPTY_FIELD_NAME',
    ],
    [{ name: 'T', fields: [{ name: 'A', type: 'hologram' }] }, 'INVALID_FIELD_TYPE'],
  ])('refuses %j with %s and leaves no trace', (input, type) => {
    const { base } = makeBase()
    expect(errorOf(() => base.createTable(input, API)).type).toBe(type)
    expect(base.schema().tables).toHaveLength(2)
  })
})

describe('createField / updateField / updateTable', () => {
  test('createField emits createdFields; names unique case-insensitively', () => {
    const { base, transactions } = makeBase()
    const field = base.createField(
      'People',
      { name: 'Phone', type: 'phoneNumber', description: 'mobile' },
      API,
    )
    expect(field).toMatchObject({ name: 'Phone', type: 'phoneNumber', description: 'mobile' })
    expect(
      transactions.at(-1)!.tables.get('tblPeople00000001')!.createdFields.get(field.id),
    ).toEqual({ name: 'Phone', type: 'phoneNumber' })
    expect(
      errorOf(() => base.createField('People', { name: 'phone', type: 'email' }, API)).type,
    ).toBe('DUPLICATE_OR_EMPTY_FIELD_NAME')
  })

  test('a link field creates its inverse in the linked table (in the same transaction)', () => {
    const { base, transactions } = makeBase()
    const link = base.createField(
      'People',
      {
        name: 'Mentor Sessions',
        type: 'multipleRecordLinks',
        options: { linkedTableId: 'tblSessions000001' },
      },
      API,
    )
    const inverse = base
      .table('Sessions')
      .fields.find((f) => f.id === link.options?.inverseLinkFieldId)!
    expect(inverse.name).toBe('People')
    expect(
      transactions.at(-1)!.tables.get('tblSessions000001')!.createdFields.has(inverse.id),
    ).toBe(true)
  })

  test('an invalid formula is refused and the field is not added', () => {
    const { base } = makeBase()
    expect(
      errorOf(() =>
        base.createField(
          'People',
          { name: 'Bad', type: 'formula', options: { formula: '{Nope} + 1' } },
          API,
        ),
      ).status,
    ).toBe(422)
    expect(base.table('People').fields.map((f) => f.name)).not.toContain('Bad')
  })

  test('lookup and rollup options are checked and resolved to IDs', () => {
    const { base } = makeBase()
    expect(
      errorOf(() =>
        base.createField(
          'People',
          {
            name: 'L',
            type: 'multipleLookupValues',
            options: { recordLinkFieldId: 'Name', fieldIdInLinkedTable: 'Ref' },
          },
          API,
        ),
      ).status,
    ).toBe(422)
    const lookup = base.createField(
      'People',
      {
        name: 'Refs',
        type: 'multipleLookupValues',
        options: { recordLinkFieldId: 'Sessions', fieldIdInLinkedTable: 'Ref' },
      },
      API,
    )
    const sessions = base.table('People').fields.find((f) => f.name === 'Sessions')!
    const ref = base.table('Sessions').fields.find((f) => f.name === 'Ref')!
    expect(lookup.options).toMatchObject({
      recordLinkFieldId: sessions.id,
      fieldIdInLinkedTable: ref.id,
      isValid: true,
      result: { type: 'singleLineText' },
    })
  })

  test('updateField renames and changes options, emits previous values; type changes refused', () => {
    const { base, transactions } = makeBase()
    const updated = base.updateField(
      'People',
      { field: 'Age', name: 'Years', description: 'age in years' },
      API,
    )
    expect(updated).toMatchObject({ name: 'Years', description: 'age in years' })
    expect(
      transactions.at(-1)!.tables.get('tblPeople00000001')!.changedFields.get(updated.id),
    ).toEqual({
      current: { name: 'Years', description: 'age in years' },
      previous: { name: 'Age' },
    })
    expect(
      errorOf(() => base.updateField('People', { field: 'Years', name: 'name' }, API)).type,
    ).toBe('DUPLICATE_OR_EMPTY_FIELD_NAME')
    expect(
      errorOf(() => base.updateField('People', { field: 'Nope', name: 'X' }, API)).status,
    ).toBe(403)
    const patch = { field: 'Years', type: 'singleLineText' } as unknown as { field: string }
    expect(errorOf(() => base.updateField('People', patch, API)).status).toBe(422)
  })

  test('updateField on select choices keeps ids and assigns new ones', () => {
    const { base } = makeBase()
    const before = base.table('People').fields.find((f) => f.name === 'Status')!.options!.choices!
    const after = base.updateField(
      'People',
      { field: 'Status', options: { choices: [...before, { name: 'Archived' }] } },
      API,
    )
    expect(after.options!.choices!.slice(0, 3)).toEqual(before)
    expect(after.options!.choices![3]).toMatchObject({
      id: expect.stringMatching(/^sel/),
      name: 'Archived',
    })
  })

  test('updateTable emits changedMetadata with previous values', () => {
    const { base, transactions } = makeBase()
    base.updateTable('People', { name: 'Members', description: 'all members' }, API)
    expect(base.table('tblPeople00000001').name).toBe('Members')
    expect(transactions.at(-1)!.tables.get('tblPeople00000001')!.changedMetadata).toEqual({
      current: { name: 'Members', description: 'all members' },
      previous: { name: 'People' },
    })
    expect(errorOf(() => base.updateTable('Members', { name: 'sessions' }, API)).status).toBe(422)
  })
})
