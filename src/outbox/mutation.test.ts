import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  InvalidTransitionError,
  STORE_STATE,
  auditOf,
  canApply,
  initialLifecycle,
  isFinal,
  isValidLifecycle,
  reduce,
  type MutationAction,
  type MutationLifecycle,
} from './mutation.ts'

const TIMEOUT = { type: 'TIMEOUT', message: 'no answer', status: 0 }
const REJECTED = { type: 'INVALID_VALUE_FOR_COLUMN', message: 'bad', status: 422 }

function run(actions: readonly MutationAction[]): MutationLifecycle {
  return actions.reduce(reduce, initialLifecycle() as MutationLifecycle)
}

describe('reduce: the happy and unhappy paths', () => {
  test.each<[string, MutationAction[], Partial<MutationLifecycle>]>([
    [
      'send, ack',
      [
        { type: 'send', batchId: 'b1', atMs: 10 },
        { type: 'ack', recordId: 'recA', atMs: 20 },
      ],
      { status: 'committed', attempts: 1, firstSentAtMs: 10 },
    ],
    [
      'retry keeps the first send time',
      [
        { type: 'send', batchId: 'b1', atMs: 10 },
        { type: 'retry', error: TIMEOUT, nextAttemptAtMs: 50 },
        { type: 'send', batchId: 'b2', atMs: 60 },
      ],
      { status: 'sending', attempts: 2, firstSentAtMs: 10, sentAtMs: 60 },
    ],
    [
      'unknown outcome, found',
      [
        { type: 'send', batchId: 'b1', atMs: 10 },
        { type: 'outcome-unknown', error: TIMEOUT, atMs: 30 },
        { type: 'reconcile-found', recordId: 'recB', atMs: 40 },
      ],
      { status: 'committed', recordId: 'recB', via: 'reconcile', attempts: 1 },
    ],
    [
      'unknown outcome, missing, resent',
      [
        { type: 'send', batchId: 'b1', atMs: 10 },
        { type: 'outcome-unknown', error: TIMEOUT, atMs: 30 },
        { type: 'reconcile-missing', atMs: 40 },
        { type: 'send', batchId: 'b2', atMs: 50 },
      ],
      { status: 'sending', attempts: 2, firstSentAtMs: 10 },
    ],
    [
      'search failed, searched again',
      [
        { type: 'send', batchId: 'b1', atMs: 10 },
        { type: 'outcome-unknown', error: TIMEOUT, atMs: 30 },
        { type: 'reconcile-error', error: TIMEOUT, nextAttemptAtMs: 90 },
      ],
      { status: 'reconciling', nextAttemptAtMs: 90 },
    ],
    [
      'rejected',
      [
        { type: 'send', batchId: 'b1', atMs: 10 },
        { type: 'fail', error: REJECTED, atMs: 20 },
      ],
      { status: 'failed', error: REJECTED },
    ],
    [
      'failed, requeued',
      [
        { type: 'send', batchId: 'b1', atMs: 10 },
        { type: 'fail', error: REJECTED, atMs: 20 },
        { type: 'requeue', by: 'ops', atMs: 30 },
      ],
      { status: 'queued', attempts: 1, lastError: REJECTED },
    ],
    [
      'failed, dropped',
      [
        { type: 'fail', error: REJECTED, atMs: 20 },
        { type: 'drop', by: 'ops', atMs: 30 },
      ],
      { status: 'dropped', droppedBy: 'ops', attempts: 0 },
    ],
    [
      'held, resolved to send',
      [
        { type: 'conflict', conflictId: 'c1', atMs: 5 },
        { type: 'resolve', conflictId: 'c1', outcome: 'send', by: 'ops', atMs: 6 },
      ],
      { status: 'queued' },
    ],
    [
      'held, resolved to discard',
      [
        { type: 'conflict', conflictId: 'c1', atMs: 5 },
        { type: 'resolve', conflictId: 'c1', outcome: 'discard', by: 'ops', atMs: 6 },
      ],
      { status: 'superseded', reason: 'resolved', by: 'c1' },
    ],
    [
      'coalesced',
      [{ type: 'coalesce', into: 'mut2', atMs: 5 }],
      { status: 'superseded', reason: 'coalesced', by: 'mut2' },
    ],
    [
      'cancelled',
      [{ type: 'cancel', by: 'mut3', atMs: 5 }],
      { status: 'superseded', reason: 'cancelled' },
    ],
  ])('%s', (_name, actions, expected) => {
    const state = run(actions)
    expect(state).toMatchObject(expected)
    expect(isValidLifecycle(state)).toBe(true)
  })
})

describe('reduce: refused transitions', () => {
  test.each<[string, MutationAction[], MutationAction]>([
    ['ack before send', [], { type: 'ack', recordId: 'recA', atMs: 1 }],
    [
      'send twice',
      [{ type: 'send', batchId: 'b', atMs: 1 }],
      { type: 'send', batchId: 'b', atMs: 2 },
    ],
    [
      'anything after commit',
      [
        { type: 'send', batchId: 'b', atMs: 1 },
        { type: 'ack', recordId: 'r', atMs: 2 },
      ],
      { type: 'fail', error: REJECTED, atMs: 3 },
    ],
    [
      'resolve another conflict',
      [{ type: 'conflict', conflictId: 'c1', atMs: 1 }],
      { type: 'resolve', conflictId: 'c2', outcome: 'send', by: 'x', atMs: 2 },
    ],
    [
      'coalesce a sent mutation',
      [{ type: 'send', batchId: 'b', atMs: 1 }],
      { type: 'coalesce', into: 'm', atMs: 2 },
    ],
    ['drop a queued mutation', [], { type: 'drop', by: 'ops', atMs: 1 }],
    [
      'reconcile without an unknown outcome',
      [{ type: 'send', batchId: 'b', atMs: 1 }],
      { type: 'reconcile-found', recordId: 'r', atMs: 2 },
    ],
  ])('%s', (_name, before, action) => {
    const state = run(before)
    expect(canApply(state, action)).toBe(false)
    expect(() => reduce(state, action)).toThrow(InvalidTransitionError)
  })
})

test('the audit entry is the action, its outcome and its attempts', () => {
  const sent = run([{ type: 'send', batchId: 'b1', atMs: 10 }])
  const action: MutationAction = { type: 'ack', recordId: 'recA', atMs: 20, latencyMs: 240 }
  const next = reduce(sent, action)
  expect(auditOf(action, next)).toEqual({
    action: 'ack',
    outcome: 'committed',
    attempts: 1,
    latencyMs: 240,
    detail: { recordId: 'recA', atMs: 20, latencyMs: 240 },
  })
  expect(STORE_STATE[next.status]).toBe('committed')
})

const errorArb = fc.constantFrom(TIMEOUT, REJECTED)
const msArb = fc.integer({ min: 0, max: 1e6 })
const idArb = fc.constantFrom('a', 'b', 'c1', 'c2')
const actionArb: fc.Arbitrary<MutationAction> = fc.oneof(
  fc.record({ type: fc.constant('send' as const), batchId: idArb, atMs: msArb }),
  fc.record({
    type: fc.constant('ack' as const),
    recordId: fc.constantFrom('recA', 'recB'),
    atMs: msArb,
  }),
  fc.record({ type: fc.constant('retry' as const), error: errorArb, nextAttemptAtMs: msArb }),
  fc.record({ type: fc.constant('outcome-unknown' as const), error: errorArb, atMs: msArb }),
  fc.record({
    type: fc.constant('reconcile-found' as const),
    recordId: fc.constantFrom('recA', 'recB'),
    atMs: msArb,
  }),
  fc.record({ type: fc.constant('reconcile-missing' as const), atMs: msArb }),
  fc.record({
    type: fc.constant('reconcile-error' as const),
    error: errorArb,
    nextAttemptAtMs: msArb,
  }),
  fc.record({ type: fc.constant('fail' as const), error: errorArb, atMs: msArb }),
  fc.record({
    type: fc.constant('conflict' as const),
    conflictId: fc.constantFrom('c1', 'c2'),
    atMs: msArb,
  }),
  fc.record({
    type: fc.constant('resolve' as const),
    conflictId: fc.constantFrom('c1', 'c2'),
    outcome: fc.constantFrom('send' as const, 'discard' as const),
    by: idArb,
    atMs: msArb,
  }),
  fc.record({ type: fc.constant('coalesce' as const), into: idArb, atMs: msArb }),
  fc.record({ type: fc.constant('cancel' as const), by: idArb, atMs: msArb }),
  fc.record({ type: fc.constant('requeue' as const), by: idArb, atMs: msArb }),
  fc.record({ type: fc.constant('drop' as const), by: idArb, atMs: msArb }),
)

test('property: no action sequence reaches an invalid state; finals stay final', () => {
  fc.assert(
    fc.property(fc.array(actionArb, { maxLength: 40 }), (actions) => {
      let state: MutationLifecycle = initialLifecycle()
      let firstSent: number | undefined
      for (const action of actions) {
        if (!canApply(state, action)) {
          expect(() => reduce(state, action)).toThrow(InvalidTransitionError)
          continue
        }
        expect(isFinal(state)).toBe(false)
        const next = reduce(state, action)
        expect(isValidLifecycle(next)).toBe(true)
        expect(next.attempts).toBeGreaterThanOrEqual(state.attempts)
        expect(next.attempts - state.attempts).toBe(action.type === 'send' ? 1 : 0)
        if (firstSent !== undefined) expect(next.firstSentAtMs).toBe(firstSent)
        firstSent = next.firstSentAtMs
        state = next
      }
    }),
    { numRuns: 500 },
  )
})
