import { describe, expect, test } from 'vitest'
import type { Node } from '../formula/ast.ts'
import type { Table } from '../protocol/schema.ts'
import type { TableAccess } from './access.ts'
import { PolicyError } from './errors.ts'
import {
  checkReadRequest,
  hiddenFields,
  isFieldReadable,
  projectFields,
  visibleTable,
} from './visibility.ts'

const span = { start: 0, end: 0 }
const field = (name: string): Node => ({ kind: 'field', name, braced: true, span })
const call = (name: string, ...args: Node[]): Node => ({ kind: 'call', name, args, span })

const TABLE: Table = {
  id: 'tblHosts00000000',
  name: 'Hosts Registry',
  primaryFieldId: 'fldName000000000',
  fields: [
    { id: 'fldName000000000', name: 'Full Name', type: 'singleLineText' },
    { id: 'fldEmail00000000', name: 'Email', type: 'email' },
    { id: 'fldPhone00000000', name: 'Mobile Number', type: 'phoneNumber' },
    { id: 'fldBio0000000000', name: 'About You', type: 'multilineText' },
  ],
  views: [
    {
      id: 'viwActive0000000',
      name: 'Active Hosts',
      type: 'grid',
      visibleFieldIds: ['fldName000000000', 'fldEmail00000000', 'fldBio0000000000'],
    },
    { id: 'viwGrid000000000', name: 'Grid', type: 'grid' },
  ],
}

const access = (readable: TableAccess['readableFieldIds']): TableAccess => {
  const deny = { allowed: false, rowFilter: null }
  return {
    table: TABLE,
    canRead: true,
    rowFilter: null,
    readableFieldIds: readable,
    canCreate: false,
    canUpdate: false,
    canDelete: false,
    create: deny,
    update: deny,
    delete: deny,
    writableFieldIds: new Set(),
    writableValues: new Map(),
    canCreateSelectOptions: false,
    reason: 'test',
  }
}
const PUBLIC = access(new Set(['fldName000000000', 'fldBio0000000000']))
const ALL = access('all')

const RECORD = {
  id: 'recA0000000000000',
  createdTime: '2026-01-01T00:00:00.000Z',
  fields: { 'Full Name': 'Ada', Email: 'ada@x.test', 'Mobile Number': '+1', 'About You': 'hi' },
}

describe('projectFields', () => {
  test('keeps only readable cells, keyed by name', () => {
    expect(projectFields(RECORD, PUBLIC)).toEqual({
      ...RECORD,
      fields: { 'Full Name': 'Ada', 'About You': 'hi' },
    })
  })

  test('keeps only readable cells, keyed by field ID', () => {
    const byId = {
      ...RECORD,
      fields: { fldName000000000: 'Ada', fldEmail00000000: 'ada@x.test', fldBio0000000000: 'hi' },
    }
    expect(projectFields(byId, PUBLIC).fields).toEqual({
      fldName000000000: 'Ada',
      fldBio0000000000: 'hi',
    })
  })

  test('drops keys that match no field; "all" passes the record through', () => {
    const odd = { ...RECORD, fields: { 'Full Name': 'Ada', 'full name': 'x', constructor: 'y' } }
    expect(Object.keys(projectFields(odd, PUBLIC).fields)).toEqual(['Full Name'])
    expect(projectFields(RECORD, ALL)).toBe(RECORD)
  })

  test('an empty readable set leaves no cell', () => {
    expect(projectFields(RECORD, access(new Set())).fields).toEqual({})
  })
})

describe('visibility of hidden fields', () => {
  test('isFieldReadable by name or ID; unknown fields are not readable', () => {
    expect(isFieldReadable(PUBLIC, 'Full Name')).toBe(true)
    expect(isFieldReadable(PUBLIC, 'fldBio0000000000')).toBe(true)
    expect(isFieldReadable(PUBLIC, 'Email')).toBe(false)
    expect(isFieldReadable(PUBLIC, 'fldEmail00000000')).toBe(false)
    expect(isFieldReadable(ALL, 'Nope')).toBe(false)
  })

  test('visibleTable removes hidden fields, also from views', () => {
    const t = visibleTable(PUBLIC)
    expect(t.fields.map((f) => f.name)).toEqual(['Full Name', 'About You'])
    expect(t.views[0]?.visibleFieldIds).toEqual(['fldName000000000', 'fldBio0000000000'])
    expect(t.views[1]?.visibleFieldIds).toBeUndefined()
    expect(visibleTable(ALL)).toBe(TABLE)
  })

  test('hiddenFields names only fields that exist and are hidden', () => {
    expect(hiddenFields(PUBLIC, ['Full Name', 'Email', 'Nope', 'fldPhone00000000'])).toEqual([
      'Email',
      'fldPhone00000000',
    ])
  })

  const error = (fn: () => void): PolicyError => {
    try {
      fn()
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError)
      return e as PolicyError
    }
    throw new Error('expected a PolicyError')
  }

  test('fields[] naming a hidden field: 422 UNKNOWN_FIELD_NAME, as for a missing field', () => {
    const e = error(() => checkReadRequest(PUBLIC, { fields: ['Full Name', 'Email'] }))
    expect(e).toMatchObject({
      status: 422,
      type: 'UNKNOWN_FIELD_NAME',
      message: 'Unknown field name: "Email"',
    })
  })

  test('sort on a hidden field: 422, type configurable', () => {
    const sort = [{ field: 'Mobile Number', direction: 'desc' as const }]
    expect(error(() => checkReadRequest(PUBLIC, { sort }))).toMatchObject({
      status: 422,
      type: 'UNKNOWN_FIELD_NAME',
    })
    expect(
      error(() => checkReadRequest(PUBLIC, { sort }, { sortErrorType: 'INVALID_SORT' })),
    ).toMatchObject({
      type: 'INVALID_SORT',
    })
  })

  test('a formula probing a hidden field: 422 INVALID_FILTER_BY_FORMULA naming it as unknown', () => {
    const probe = call(
      'OR',
      { kind: 'number', value: 1, span },
      call('FIND', { kind: 'string', value: '@', span }, field('Email')),
    )
    const e = error(() => checkReadRequest(PUBLIC, { formula: probe }))
    expect(e).toMatchObject({
      status: 422,
      type: 'INVALID_FILTER_BY_FORMULA',
      message: 'The formula for filtering records is invalid: Unknown field names: email',
    })
  })

  test('requests over readable (or nonexistent) fields pass; admins pass everything', () => {
    expect(() =>
      checkReadRequest(PUBLIC, {
        fields: ['Full Name', 'Nope'],
        sort: [{ field: 'About You' }],
        formula: call('LEN', field('About You')),
      }),
    ).not.toThrow()
    expect(() =>
      checkReadRequest(ALL, { fields: ['Email'], formula: field('Mobile Number') }),
    ).not.toThrow()
  })
})
