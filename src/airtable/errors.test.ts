import { describe, expect, test } from 'vitest'
import { STATUS_BY_TYPE } from '../protocol/errors.ts'
import {
  AirtableError,
  AirtableNetworkError,
  AirtableTimeoutError,
  classifyError,
  errorFromResponse,
  mayHaveBeenApplied,
  toAirtableError,
} from './errors.ts'

const at = { method: 'GET', url: 'https://api.airtable.com/v0/appX/T' }

describe('errorFromResponse reads every envelope', () => {
  test.each([
    {
      name: 'object with type and message',
      status: 403,
      body: '{"error":{"type":"INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND","message":"Invalid permissions"}}',
      type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
      message: 'Invalid permissions',
    },
    {
      name: 'object with type only',
      status: 422,
      body: '{"error":{"type":"LIST_RECORDS_ITERATOR_NOT_AVAILABLE"}}',
      type: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE',
      message: 'LIST_RECORDS_ITERATOR_NOT_AVAILABLE',
    },
    {
      name: 'bare string',
      status: 404,
      body: '{"error":"NOT_FOUND"}',
      type: 'NOT_FOUND',
      message: 'NOT_FOUND',
    },
    {
      name: 'errors array (rare)',
      status: 422,
      body: '{"errors":[{"error":{"type":"INVALID_RECORDS","message":"too many"}}]}',
      type: 'INVALID_RECORDS',
      message: 'too many',
    },
    {
      name: 'unknown wire type kept verbatim',
      status: 422,
      body: '{"error":{"type":"SOMETHING_NEW","message":"new"}}',
      type: 'SOMETHING_NEW',
      message: 'new',
    },
    {
      name: 'not JSON: type from status',
      status: 502,
      body: '<html>bad gateway</html>',
      type: 'BAD_GATEWAY',
      message: 'HTTP 502: <html>bad gateway</html>',
    },
    {
      name: 'empty body, unknown status',
      status: 418,
      body: '',
      type: 'UNEXPECTED_ERROR',
      message: 'HTTP 418',
    },
  ])('$name', ({ status, body, type, message }) => {
    const error = errorFromResponse({ status, bodyText: body, ...at })
    expect(error).toBeInstanceOf(AirtableError)
    expect(error.type).toBe(type)
    expect(error.message).toBe(message)
    expect(error.status).toBe(status)
    expect(error.method).toBe('GET')
    expect(error.url).toBe(at.url)
    expect(error.outcomeUnknown).toBe(false)
  })

  test('keeps Retry-After', () => {
    const error = errorFromResponse({ status: 503, bodyText: '', ...at, retryAfterMs: 2000 })
    expect(error.retryAfterMs).toBe(2000)
  })
})

describe('AirtableError', () => {
  test.each(Object.entries(STATUS_BY_TYPE))('%s defaults to status %i', (type, status) => {
    expect(new AirtableError({ type, message: 'm' }).status).toBe(status)
  })

  test('an unknown type without status has status 0', () => {
    expect(new AirtableError({ type: 'WHATEVER', message: 'm' }).status).toBe(0)
  })

  test('with() keeps the class and the other properties', () => {
    const original = new AirtableNetworkError({
      type: 'NETWORK_ERROR',
      message: 'reset',
      url: 'u',
      notSent: true,
    })
    const copy = original.with({ outcomeUnknown: true })
    expect(copy).toBeInstanceOf(AirtableNetworkError)
    expect(copy.outcomeUnknown).toBe(true)
    expect((copy as AirtableNetworkError).notSent).toBe(true)
    expect(copy.url).toBe('u')
    expect(copy.message).toBe('reset')
    expect(original.outcomeUnknown).toBe(false)
  })
})

describe('toAirtableError', () => {
  test('passes our errors through', () => {
    const error = new AirtableError({ type: 'NOT_FOUND', message: 'x' })
    expect(toAirtableError(error)).toBe(error)
  })

  test('a TimeoutError becomes AirtableTimeoutError', () => {
    const error = toAirtableError(new DOMException('timed out', 'TimeoutError'), at)
    expect(error).toBeInstanceOf(AirtableTimeoutError)
    expect(error.type).toBe('TIMEOUT')
    expect(error.status).toBe(0)
    expect(error.url).toBe(at.url)
  })

  test.each([
    { code: 'ECONNREFUSED', notSent: true },
    { code: 'ENOTFOUND', notSent: true },
    { code: 'ECONNRESET', notSent: false },
    { code: 'UND_ERR_SOCKET', notSent: false },
  ])('fetch failure with cause $code: notSent=$notSent', ({ code, notSent }) => {
    const cause = Object.assign(new Error('boom'), { code })
    const error = toAirtableError(new TypeError('fetch failed', { cause }))
    expect(error).toBeInstanceOf(AirtableNetworkError)
    expect((error as AirtableNetworkError).notSent).toBe(notSent)
    expect(error.message).toContain(code)
    expect(mayHaveBeenApplied(error)).toBe(!notSent)
  })

  test('a non-Error value', () => {
    const error = toAirtableError('weird')
    expect(error.type).toBe('NETWORK_ERROR')
    expect(error.message).toContain('weird')
  })
})

describe('classifyError', () => {
  const wire = (status: number, type: string): AirtableError =>
    new AirtableError({ type, message: type, status })
  test.each([
    { error: wire(429, 'RATE_LIMIT_REACHED'), kind: 'rateLimited' },
    { error: wire(429, 'PUBLIC_API_BILLING_LIMIT_EXCEEDED'), kind: 'fatal' },
    { error: wire(503, 'RETRIABLE_ERROR'), kind: 'retriable' },
    { error: wire(500, 'SERVER_ERROR'), kind: 'retriable' },
    { error: wire(502, 'BAD_GATEWAY'), kind: 'retriable' },
    { error: wire(422, 'INVALID_RECORDS'), kind: 'fatal' },
    { error: wire(404, 'NOT_FOUND'), kind: 'fatal' },
    { error: wire(401, 'AUTHENTICATION_REQUIRED'), kind: 'fatal' },
    { error: new AirtableTimeoutError({ message: 't' }), kind: 'retriable' },
    { error: new AirtableNetworkError({ type: 'NETWORK_ERROR', message: 'n' }), kind: 'retriable' },
  ])('$error.type ($error.status) is $kind', ({ error, kind }) => {
    expect(classifyError(error)).toBe(kind)
  })

  test('a 4xx answer was not applied; a 5xx or timeout may have been', () => {
    expect(mayHaveBeenApplied(wire(422, 'INVALID_RECORDS'))).toBe(false)
    expect(mayHaveBeenApplied(wire(429, 'RATE_LIMIT_REACHED'))).toBe(false)
    expect(mayHaveBeenApplied(wire(500, 'SERVER_ERROR'))).toBe(true)
    expect(mayHaveBeenApplied(new AirtableTimeoutError({ message: 't' }))).toBe(true)
  })
})
