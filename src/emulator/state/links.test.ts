import { describe, expect, test } from 'vitest'
import { API, byName, makeBase } from './testing.ts'

const PATCH = { ...API, destructive: false }

describe('link symmetry', () => {
  test('creating a link fills the inverse field, and the schema pairs both fields', () => {
    const { base } = makeBase()
    const [p] = base.create('People', [{ fields: { Name: 'Ada' } }], API)
    const [s] = base.create('Sessions', [{ fields: { Ref: 's', Person: [p!.id] } }], API)
    expect(byName(base, 'People', base.get('People', p!.id))['Sessions']).toEqual([s!.id])
    const person = base.table('Sessions').fields.find((f) => f.name === 'Person')!
    const sessions = base.table('People').fields.find((f) => f.name === 'Sessions')!
    expect(person.options?.inverseLinkFieldId).toBe(sessions.id)
    expect(sessions.options).toMatchObject({
      linkedTableId: 'tblSessions000001',
      inverseLinkFieldId: person.id,
    })
    expect(person.options).not.toHaveProperty('inverseLinkFieldName')
  })

  test('writing the inverse side updates the forward side; removals too', () => {
    const { base } = makeBase()
    const [a, b] = base.create(
      'People',
      [{ fields: { Name: 'A' } }, { fields: { Name: 'B' } }],
      API,
    )
    const [s] = base.create('Sessions', [{ fields: { Ref: 's' } }], API)
    base.update('People', [{ id: a!.id, fields: { Sessions: [s!.id] } }], PATCH)
    base.update('People', [{ id: b!.id, fields: { Sessions: [s!.id] } }], PATCH)
    expect(base.get('Sessions', s!.id).cells).toMatchObject({ [personId(base)]: [a!.id, b!.id] })
    base.update('People', [{ id: a!.id, fields: { Sessions: null } }], PATCH)
    expect(byName(base, 'Sessions', base.get('Sessions', s!.id))['Person']).toEqual([b!.id])
    expect(byName(base, 'Sessions', base.get('Sessions', s!.id))['Person Name']).toEqual(['B'])
  })

  test('PUT clearing a link clears the inverse', () => {
    const { base } = makeBase()
    const [p] = base.create('People', [{ fields: { Name: 'A' } }], API)
    const [s] = base.create('Sessions', [{ fields: { Ref: 's', Person: [p!.id] } }], API)
    base.update('Sessions', [{ id: s!.id, fields: { Ref: 's' } }], { ...API, destructive: true })
    expect(byName(base, 'People', base.get('People', p!.id))).not.toHaveProperty('Sessions')
  })

  test('deleting a record removes it from every link pointing at it, recording the change', () => {
    const { base, transactions } = makeBase()
    const [p] = base.create('People', [{ fields: { Name: 'A' } }], API)
    const [s1, s2] = base.create(
      'Sessions',
      [{ fields: { Person: [p!.id] } }, { fields: { Person: [p!.id] } }],
      API,
    )
    base.delete('Sessions', [s1!.id], API)
    expect(byName(base, 'People', base.get('People', p!.id))['Sessions']).toEqual([s2!.id])
    base.delete('People', [p!.id], API)
    expect(byName(base, 'Sessions', base.get('Sessions', s2!.id))).not.toHaveProperty('Person')
    expect(byName(base, 'Sessions', base.get('Sessions', s2!.id))).not.toHaveProperty('Person Name')
    const last = transactions.at(-1)!
    expect(last.tables.get('tblPeople00000001')!.destroyedRecordIds).toEqual([p!.id])
    expect(
      last.tables.get('tblSessions000001')!.changedRecords.get(s2!.id)!.previous,
    ).toMatchObject({ [personId(base)]: [p!.id] })
  })

  test('duplicate ids in a link cell are stored once', () => {
    const { base } = makeBase()
    const [p] = base.create('People', [{ fields: { Name: 'A' } }], API)
    const [s] = base.create('Sessions', [{ fields: { Person: [p!.id, p!.id] } }], API)
    expect(byName(base, 'Sessions', s!)['Person']).toEqual([p!.id])
    expect(byName(base, 'People', base.get('People', p!.id))['Sessions']).toEqual([s!.id])
  })

  test('createInverse: false makes a one-way link; deletes still unlink it', () => {
    const { base } = makeBase()
    base.createField(
      'Sessions',
      {
        name: 'Backup',
        type: 'multipleRecordLinks',
        options: { linkedTableId: 'tblPeople00000001', createInverse: false },
      },
      API,
    )
    expect(base.table('People').fields.map((f) => f.name)).not.toContain('Sessions 2')
    const [p] = base.create('People', [{ fields: { Name: 'A' } }], API)
    const [s] = base.create('Sessions', [{ fields: { Backup: [p!.id] } }], API)
    base.delete('People', [p!.id], API)
    expect(byName(base, 'Sessions', base.get('Sessions', s!.id))).not.toHaveProperty('Backup')
  })

  test('pairing with an existing field by inverseLinkFieldId', () => {
    const { base } = makeBase()
    const one = base.createField(
      'Sessions',
      {
        name: 'Host',
        type: 'multipleRecordLinks',
        options: { linkedTableId: 'tblPeople00000001', createInverse: false },
      },
      API,
    )
    const two = base.createField(
      'People',
      {
        name: 'Hosted',
        type: 'multipleRecordLinks',
        options: { linkedTableId: 'tblSessions000001', inverseLinkFieldId: one.id },
      },
      API,
    )
    expect(two.options?.inverseLinkFieldId).toBe(one.id)
    expect(
      base.table('Sessions').fields.find((f) => f.id === one.id)!.options?.inverseLinkFieldId,
    ).toBe(two.id)
  })
})

function personId(base: ReturnType<typeof makeBase>['base']): string {
  return base.table('Sessions').fields.find((f) => f.name === 'Person')!.id
}
