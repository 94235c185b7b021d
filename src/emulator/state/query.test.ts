import { describe, expect, test } from 'vitest'
import { API, byName, errorOf, makeBase } from './testing.ts'

function names(
  base: ReturnType<typeof makeBase>['base'],
  records: ReturnType<ReturnType<typeof makeBase>['base']['list']>,
): unknown[] {
  return records.map((r) => byName(base, 'People', r)['Name'])
}

function seeded() {
  const made = makeBase()
  made.base.create(
    'People',
    [
      {
        fields: {
          Name: 'bob',
          Age: 30,
          Status: 'Verified',
          Active: true,
          Born: '1990-05-01',
          Tags: ['b'],
        },
      },
      {
        fields: { Name: 'Alice', Age: 5, Status: 'Rejected', Born: '1985-01-01', Tags: ['a', 'c'] },
      },
      { fields: { Name: 'carol', Age: 100, Status: 'Pending', Active: true } },
      { fields: { Name: 'Dave' } },
    ],
    API,
  )
  return made
}

describe('list', () => {
  test('without sort or view: creation order', () => {
    const { base } = seeded()
    expect(names(base, base.list('People'))).toEqual(['bob', 'Alice', 'carol', 'Dave'])
  })

  test('filterByFormula keeps truthy records; errors drop the record, not the request', () => {
    const { base } = seeded()
    expect(names(base, base.list('People', { filterByFormula: '{Age} > 10' }))).toEqual([
      'bob',
      'carol',
    ])
    expect(
      names(base, base.list('People', { filterByFormula: 'AND(Active, {Status} = "Pending")' })),
    ).toEqual(['carol'])
    expect(names(base, base.list('People', { filterByFormula: '1 / ({Age} - 30)' }))).toEqual([
      'Alice',
      'carol',
      'Dave',
    ])
    expect(names(base, base.list('People', { filterByFormula: '' }))).toHaveLength(4)
  })

  test('filters can use field IDs', () => {
    const { base } = seeded()
    expect(
      names(base, base.list('People', { filterByFormula: '{fldName0000000001} = "Dave"' })),
    ).toEqual(['Dave'])
  })

  test.each([
    ['{Nope} = 1', 'The formula for filtering records is invalid: '],
    ['AND(', 'The formula for filtering records is invalid: '],
    ['BOGUS(1)', 'The formula for filtering records is invalid: '],
  ])('bad formula %s → 422 INVALID_FILTER_BY_FORMULA', (filterByFormula, prefix) => {
    const { base } = seeded()
    const error = errorOf(() => base.list('People', { filterByFormula }))
    expect([error.status, error.type]).toEqual([422, 'INVALID_FILTER_BY_FORMULA'])
    expect(error.message.startsWith(prefix)).toBe(true)
    expect(error.message.length).toBeGreaterThan(prefix.length)
  })

  test('unknown view → VIEW_NAME_NOT_FOUND; unknown sort field → UNKNOWN_FIELD_NAME [?]', () => {
    const { base } = seeded()
    const view = errorOf(() => base.list('People', { view: 'Grid View 2' }))
    expect([view.status, view.type, view.message]).toEqual([
      422,
      'VIEW_NAME_NOT_FOUND',
      'View Grid View 2 not found',
    ])
    const sort = errorOf(() => base.list('People', { sort: [{ field: 'Nope' }] }))
    expect([sort.type, sort.message]).toEqual(['UNKNOWN_FIELD_NAME', 'Unknown field name: "Nope"'])
  })
})

describe('sort', () => {
  test.each([
    ['Name', 'asc', ['Alice', 'bob', 'carol', 'Dave']],
    ['Name', 'desc', ['Dave', 'carol', 'bob', 'Alice']],
    ['Age', 'asc', ['Dave', 'Alice', 'bob', 'carol']],
    ['Age', 'desc', ['carol', 'bob', 'Alice', 'Dave']],
    ['Status', 'asc', ['Dave', 'carol', 'bob', 'Alice']],
    ['Active', 'asc', ['Alice', 'Dave', 'bob', 'carol']],
    ['Born', 'asc', ['carol', 'Dave', 'Alice', 'bob']],
    ['Tags', 'asc', ['carol', 'Dave', 'Alice', 'bob']],
    [
      'Label',
      'asc',
      ['Alice (5)', 'bob (30)', 'carol (100)', 'Dave ()'].map((l) => l.split(' ')[0]),
    ],
  ] as const)('by %s %s', (field, direction, expected) => {
    const { base } = seeded()
    expect(names(base, base.list('People', { sort: [{ field, direction }] }))).toEqual(expected)
  })

  test('numbers sort numerically, not as text', () => {
    const { base } = makeBase()
    base.create(
      'People',
      [9, 100, 20].map((Age) => ({ fields: { Name: String(Age), Age } })),
      API,
    )
    expect(names(base, base.list('People', { sort: [{ field: 'Age' }] }))).toEqual([
      '9',
      '20',
      '100',
    ])
  })

  test('multiple sort keys; ties keep creation order', () => {
    const { base } = makeBase()
    base.create(
      'People',
      [
        ['x', 2],
        ['y', 1],
        ['z', 2],
        ['w', 1],
      ].map(([Name, Age]) => ({ fields: { Name, Age } })),
      API,
    )
    expect(
      names(base, base.list('People', { sort: [{ field: 'Age', direction: 'desc' }] })),
    ).toEqual(['x', 'z', 'y', 'w'])
    expect(
      names(
        base,
        base.list('People', { sort: [{ field: 'Age' }, { field: 'Name', direction: 'desc' }] }),
      ),
    ).toEqual(['y', 'w', 'z', 'x'])
  })

  test('links sort by the linked primary text', () => {
    const { base } = makeBase()
    const [zed, amy] = base.create(
      'People',
      [{ fields: { Name: 'Zed' } }, { fields: { Name: 'Amy' } }],
      API,
    )
    base.create(
      'Sessions',
      [{ fields: { Ref: '1', Person: [zed!.id] } }, { fields: { Ref: '2', Person: [amy!.id] } }],
      API,
    )
    expect(
      base
        .list('Sessions', { sort: [{ field: 'Person' }] })
        .map((r) => byName(base, 'Sessions', r)['Ref']),
    ).toEqual(['2', '1'])
  })
})

describe('views', () => {
  test('a view returns its own subset in its own order; sort overrides; filter intersects', () => {
    const { base } = seeded()
    const view = base.addView('People', {
      name: 'Adults',
      filterByFormula: '{Age} >= 18',
      sort: [{ field: 'Age', direction: 'desc' }],
    })
    expect(view.id).toMatch(/^viw[A-Za-z0-9]{14}$/)
    expect(names(base, base.list('People', { view: 'Adults' }))).toEqual(['carol', 'bob'])
    expect(names(base, base.list('People', { view: view.id }))).toEqual(['carol', 'bob'])
    expect(names(base, base.list('People', { view: 'Adults', sort: [{ field: 'Name' }] }))).toEqual(
      ['bob', 'carol'],
    )
    expect(
      names(base, base.list('People', { view: 'Adults', filterByFormula: 'Active = 1' })),
    ).toEqual(['carol', 'bob'])
    expect(
      names(base, base.list('People', { view: 'Adults', filterByFormula: '{Age} < 50' })),
    ).toEqual(['bob'])
    expect(names(base, base.list('People', { view: 'Grid view' }))).toHaveLength(4)
  })

  test('the schema shows views as id, name, type only', () => {
    const { base } = seeded()
    base.addView('People', { name: 'Adults', filterByFormula: '{Age} >= 18' })
    expect(base.table('People').views.map((v) => Object.keys(v).sort())).toEqual([
      ['id', 'name', 'type'],
      ['id', 'name', 'type'],
    ])
    const age = base.table('People').fields.find((f) => f.name === 'Age')!.id
    expect(base.views('People')[1]).toMatchObject({
      name: 'Adults',
      filterByFormula: `{${age}} >= 18`,
    })
  })

  test('duplicate view names are refused', () => {
    const { base } = seeded()
    expect(errorOf(() => base.addView('People', { name: 'Grid view' })).status).toBe(422)
  })
})

describe('scale', () => {
  test('a filtered, sorted list over 3,000 rows returns exactly the matching rows', () => {
    const { base } = makeBase()
    for (let i = 0; i < 300; i++) {
      base.create(
        'People',
        Array.from({ length: 10 }, (_, j) => ({
          fields: { Name: `p${i * 10 + j}`, Age: (i * 10 + j) % 97 },
        })),
        API,
      )
    }
    const rows = base.list('People', {
      filterByFormula: 'AND({Age} >= 90, {Name} != "")',
      sort: [{ field: 'Age', direction: 'desc' }],
    })
    const expected = Array.from({ length: 3000 }, (_, k) => k % 97).filter((a) => a >= 90).length
    expect(rows).toHaveLength(expected)
    expect(rows.map((r) => byName(base, 'People', r)['Age'])).toEqual(
      [...rows.map((r) => byName(base, 'People', r)['Age'] as number)].sort((a, b) => b - a),
    )
  })
})

describe('views survive renames', () => {
  test('a view keeps filtering and sorting after its fields are renamed', () => {
    const { base } = seeded()
    base.addView('People', {
      name: 'Adults',
      filterByFormula: '{Age} >= 18',
      sort: [{ field: 'Name', direction: 'desc' }],
    })
    base.updateField('People', { field: 'Age', name: 'Years' }, API)
    base.updateField('People', { field: 'Name', name: 'Full Name' }, API)
    expect(
      base.list('People', { view: 'Adults' }).map((r) => byName(base, 'People', r)['Full Name']),
    ).toEqual(['carol', 'bob'])
  })
})
