import fc from 'fast-check'
import { expect, test } from 'vitest'
import { AirtableError, AirtableNetworkError, AirtableTimeoutError } from '../airtable/index.ts'
import type { RequestKind } from './batch.ts'
import { failureAction, isGoneFor } from './failure.ts'
import { canApply, initialLifecycle, reduce, type MutationLifecycle } from './mutation.ts'

const AT = 1_000_000
const invalid = new AirtableError({ type: 'INVALID_VALUE_FOR_COLUMN', message: 'bad', status: 422 })
const rateLimited = new AirtableError({
  type: 'RATE_LIMIT_REACHED',
  message: 'slow down',
  status: 429,
})
const rateLimitedAfter = rateLimited.with({ retryAfterMs: 5000 })
const serverError = new AirtableError({ type: 'SERVER_ERROR', message: 'oops', status: 500 })
const timeout = new AirtableTimeoutError({ message: 'no answer' })
const refused = new AirtableNetworkError({
  type: 'NETWORK_ERROR',
  message: 'refused',
  notSent: true,
})
const reset = new AirtableNetworkError({ type: 'NETWORK_ERROR', message: 'reset' })

test.each<[string, AirtableError, RequestKind, number, object]>([
  ['rejected', invalid, 'update', 1, { type: 'fail' }],
  ['rejected create', invalid, 'create', 1, { type: 'fail' }],
  ['429: the penalty', rateLimited, 'create', 1, { type: 'retry', nextAttemptAtMs: AT + 30_000 }],
  [
    '429 with Retry-After',
    rateLimitedAfter,
    'update',
    1,
    { type: 'retry', nextAttemptAtMs: AT + 5000 },
  ],
  ['create timed out: reconcile', timeout, 'create', 1, { type: 'outcome-unknown' }],
  ['create reset after sending: reconcile', reset, 'create', 1, { type: 'outcome-unknown' }],
  [
    'create 5xx: reconcile even when out of attempts',
    serverError,
    'create',
    99,
    { type: 'outcome-unknown' },
  ],
  ['create never sent: retry', refused, 'create', 1, { type: 'retry', nextAttemptAtMs: AT + 500 }],
  ['upsert timed out: repeat', timeout, 'upsert', 2, { type: 'retry', nextAttemptAtMs: AT + 1000 }],
  ['update 5xx out of attempts: fail', serverError, 'update', 10, { type: 'fail' }],
])('%s', (...[, error, kind, attempts, expected]) => {
  const action = failureAction({ error, kind, attempts, atMs: AT, random: () => 0.5 })
  expect(action).toMatchObject(expected)
})

test('property: the action always applies to a sending mutation; retries are in the future', () => {
  const errors = [invalid, rateLimited, rateLimitedAfter, serverError, timeout, refused, reset]
  fc.assert(
    fc.property(
      fc.constantFrom(...errors),
      fc.constantFrom<RequestKind>('create', 'upsert', 'update', 'replace', 'delete'),
      fc.integer({ min: 1, max: 20 }),
      fc.double({ min: 0, max: 0.999, noNaN: true }),
      (...[error, kind, attempts, r]) => {
        const sending: MutationLifecycle = reduce(initialLifecycle(), {
          type: 'send',
          batchId: 'b',
          atMs: AT - 1,
        })
        const action = failureAction({ error, kind, attempts, atMs: AT, random: () => r })
        expect(canApply(sending, action)).toBe(true)
        if (action.type === 'retry') expect(action.nextAttemptAtMs).toBeGreaterThanOrEqual(AT)
        if (action.type === 'outcome-unknown') expect(kind).toBe('create')
      },
    ),
  )
})

test('a delete whose record is gone is done; the rest of its refused batch goes again', () => {
  const gone = new AirtableError({
    type: 'ROW_DOES_NOT_EXIST',
    message: 'Record ID recAAAAAAAAAAAAAA does not exist in this table',
    status: 422,
  })
  expect(isGoneFor(gone, 'recAAAAAAAAAAAAAA')).toBe(true)
  expect(isGoneFor(gone, 'recBBBBBBBBBBBBBB')).toBe(false)
  expect(isGoneFor(invalid, 'recAAAAAAAAAAAAAA')).toBe(false)
  expect(
    failureAction({ error: gone, kind: 'delete', attempts: 9, atMs: AT, random: () => 0.5 }),
  ).toMatchObject({ type: 'retry', nextAttemptAtMs: AT })
  // An update of a missing record is refused for good.
  expect(
    failureAction({ error: gone, kind: 'update', attempts: 1, atMs: AT, random: () => 0.5 }),
  ).toMatchObject({ type: 'fail' })
})
