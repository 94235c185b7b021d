import { describe, expect, test } from 'vitest'
import { URL_LENGTH_LIMIT, listBody, listQuery, planList } from './list-query.ts'

const path = '/v0/appA/Members%20Registry'

describe('listQuery', () => {
  test('encodes arrays and sorts the way Airtable reads them', () => {
    const q = listQuery({
      pageSize: 50,
      maxRecords: 120,
      offset: 'itrA/recB',
      view: 'Grid view',
      fields: ['Name', 'Age'],
      filterByFormula: "{Name} = 'x'",
      sort: [{ field: 'Name', direction: 'desc' }, { field: 'Age' }],
      cellFormat: 'string',
      timeZone: 'Europe/Paris',
      userLocale: 'fr',
      returnFieldsByFieldId: true,
      recordMetadata: ['commentCount'],
    })
    expect(q.toString()).toBe(
      'pageSize=50&maxRecords=120&offset=itrA%2FrecB&view=Grid+view' +
        '&fields%5B%5D=Name&fields%5B%5D=Age&filterByFormula=%7BName%7D+%3D+%27x%27' +
        '&sort%5B0%5D%5Bfield%5D=Name&sort%5B0%5D%5Bdirection%5D=desc&sort%5B1%5D%5Bfield%5D=Age' +
        '&cellFormat=string&timeZone=Europe%2FParis&userLocale=fr&returnFieldsByFieldId=true' +
        '&recordMetadata%5B%5D=commentCount',
    )
  })

  test('empty params give an empty query', () => {
    expect(listQuery({}).toString()).toBe('')
  })
})

describe('planList', () => {
  test('short queries use GET on the table path', () => {
    const plan = planList(path, { filterByFormula: '1' })
    expect(plan.method).toBe('GET')
    expect(plan.path).toBe(path)
    expect(plan.query.get('filterByFormula')).toBe('1')
  })

  test('a URL over the limit switches to POST listRecords, tz and locale in the query', () => {
    const filterByFormula = `OR(${Array.from({ length: 2000 }, (_, i) => `{Name}='n${i}'`).join(',')})`
    expect(`${path}?${listQuery({ filterByFormula }).toString()}`.length).toBeGreaterThan(
      URL_LENGTH_LIMIT,
    )
    const plan = planList(path, {
      filterByFormula,
      fields: ['Name'],
      sort: [{ field: 'Name' }],
      cellFormat: 'string',
      timeZone: 'UTC',
      userLocale: 'en-us',
      offset: 'itrA/recB',
    })
    expect(plan.method).toBe('POST')
    expect(plan.path).toBe(`${path}/listRecords`)
    expect(plan.query.toString()).toBe('timeZone=UTC&userLocale=en-us')
    expect(plan.method === 'POST' && plan.body).toEqual({
      filterByFormula,
      fields: ['Name'],
      sort: [{ field: 'Name' }],
      cellFormat: 'string',
      offset: 'itrA/recB',
    })
  })

  test('just under the limit stays GET, just over goes POST', () => {
    const base = `${path}?filterByFormula=`.length
    const at = (n: number): string => planList(path, { filterByFormula: 'x'.repeat(n) }).method
    expect(at(URL_LENGTH_LIMIT - base)).toBe('GET')
    expect(at(URL_LENGTH_LIMIT - base + 1)).toBe('POST')
  })

  test('method forces either way', () => {
    expect(planList(path, { method: 'post' }).method).toBe('POST')
    expect(planList(path, { method: 'get', filterByFormula: 'x'.repeat(20_000) }).method).toBe(
      'GET',
    )
  })

  test('listBody keeps native types and drops method', () => {
    expect(listBody({ pageSize: 10, returnFieldsByFieldId: false, method: 'post' })).toEqual({
      pageSize: 10,
      returnFieldsByFieldId: false,
    })
  })
})
