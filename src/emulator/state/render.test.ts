import { describe, expect, test } from 'vitest'
import { API, errorOf, makeBase } from './testing.ts'

const STRING = {
  cellFormat: 'string',
  timeZone: 'America/Los_Angeles',
  userLocale: 'en-us',
} as const

function sample() {
  const made = makeBase()
  const [p] = made.base.create(
    'People',
    [
      {
        fields: {
          Name: 'Ada',
          Age: 1234,
          Active: true,
          Status: 'Verified',
          Tags: ['a', 'c'],
          Born: '2024-03-05',
          Seen: '2026-01-15T17:30:00.000Z',
          Score: 0.5,
        },
      },
    ],
    API,
  )
  const [s] = made.base.create(
    'Sessions',
    [{ fields: { Ref: 'S1', Person: [p!.id], Amount: 1234.5, When: '2026-01-15T17:30:00.000Z' } }],
    API,
  )
  return { ...made, p: made.base.get('People', p!.id), s: s! }
}

describe('render json', () => {
  test('by name (default) and by field ID', () => {
    const { base, p } = sample()
    const byName = base.renderer('People')(p)
    expect(byName).toMatchObject({
      id: p.id,
      createdTime: p.createdTime,
      fields: { Name: 'Ada', Age: 1234, Active: true, Tags: ['a', 'c'] },
    })
    const byId = base.renderer('People', { returnFieldsByFieldId: true })(p)
    expect(byId.fields['fldName0000000001']).toBe('Ada')
    expect(byId.fields).not.toHaveProperty('Name')
  })

  test('fields[] projects by name or ID; unknown names fail', () => {
    const { base, p } = sample()
    expect(
      Object.keys(
        base.renderer('People', { fields: ['Age', 'fldName0000000001'] })(p).fields,
      ).sort(),
    ).toEqual(['Age', 'Name'])
    const error = errorOf(() => base.renderer('People', { fields: ['Nope'] }))
    expect([error.type, error.message]).toEqual([
      'UNKNOWN_FIELD_NAME',
      'Unknown field name: "Nope"',
    ])
  })
})

describe('render cellFormat=string', () => {
  test('user-facing text per type', () => {
    const { base, p, s } = sample()
    expect(base.renderer('People', STRING)(p).fields).toMatchObject({
      Name: 'Ada',
      Age: '1234',
      Active: 'checked',
      Status: 'Verified',
      Tags: 'a, c',
      Born: '3/5/2024',
      Seen: '1/15/2026 12:30pm', // the field's own zone (New York)
      Score: '50%',
      Sessions: 'S1',
      'Session Count': '1',
      Total: '1234.5',
    })
    expect(base.renderer('Sessions', STRING)(base.get('Sessions', s.id)).fields).toMatchObject({
      Person: 'Ada',
      Amount: '$1,234.50',
      When: '1/15/2026 5:30pm', // utc field
      'Person Name': 'Ada',
      Created: '1/1/2026 4:00am', // createdTime in the request zone (Los Angeles)
    })
  })

  test('the locale changes the date order', () => {
    const { base, p } = sample()
    expect(base.renderer('People', { ...STRING, userLocale: 'en-gb' })(p).fields['Born']).toBe(
      '5/3/2024',
    )
  })

  test('requires timeZone and userLocale [?]', () => {
    const { base } = sample()
    expect(errorOf(() => base.renderer('People', { cellFormat: 'string' })).status).toBe(422)
  })
})
