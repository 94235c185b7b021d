import { describe, expect, test } from 'vitest'
import { parseListParams, queryToRaw } from './list-params.ts'
import { EmulatorError } from './state/types.ts'

const opts = { requireLocaleForStringFormat: true }
const fromQuery = (qs: string) => {
  const q = new URLSearchParams(qs)
  return parseListParams(queryToRaw(q), q, opts)
}

describe('list params', () => {
  test('airtable.js GET encoding: brackets, + for spaces', () => {
    const p = fromQuery(
      'fields%5B%5D=Full+Name&fields%5B%5D=Email&sort%5B0%5D%5Bfield%5D=Full+Name&sort%5B0%5D%5Bdirection%5D=desc&sort%5B1%5D%5Bfield%5D=Email&pageSize=10&returnFieldsByFieldId=1&recordMetadata%5B%5D=commentCount',
    )
    expect(p).toMatchObject({
      fields: ['Full Name', 'Email'],
      sort: [{ field: 'Full Name', direction: 'desc' }, { field: 'Email' }],
      pageSize: 10,
      returnFieldsByFieldId: true,
      recordMetadata: ['commentCount'],
      cellFormat: 'json',
    })
  })

  test('limit is an alias of pageSize', () => {
    expect(fromQuery('limit=7').pageSize).toBe(7)
  })

  test.each([
    'pageSize=101',
    'pageSize=0',
    'pageSize=abc',
    'returnFieldsByFieldId=maybe',
    'cellFormat=xml',
  ])('%s is INVALID_REQUEST_UNKNOWN', (qs) => {
    expect(() => fromQuery(qs)).toThrow(EmulatorError)
  })

  test('cellFormat=string needs timeZone and userLocale', () => {
    expect(() => fromQuery('cellFormat=string')).toThrow(EmulatorError)
    expect(fromQuery('cellFormat=string&timeZone=UTC&userLocale=en-us')).toMatchObject({
      cellFormat: 'string',
      timeZone: 'UTC',
    })
  })

  test('POST body: unknown keys ignored, tz/locale from query or body', () => {
    const p = parseListParams(
      { method: 'post', pageSize: 5, timeZone: 'Europe/Paris', userLocale: 'fr', offset: 'x' },
      new URLSearchParams('timeZone=UTC'),
      opts,
    )
    expect(p).toMatchObject({ pageSize: 5, timeZone: 'UTC', userLocale: 'fr', offset: 'x' })
  })
})
