import { expect, test } from 'vitest'
import type { MutationPatch, StoredMutation } from '../store/index.ts'
import {
  initialLifecycle,
  reduce,
  type MutationAction,
  type MutationLifecycle,
} from './mutation.ts'
import { lifecycleOf, patchOf } from './store-mapping.ts'

const T = Date.UTC(2024, 2, 15, 12)
const E = { type: 'TIMEOUT', message: 'no answer', status: 0 }

function freshRow(): StoredMutation {
  return {
    mutationId: 'mut1',
    baseId: 'app1',
    tableId: 'tbl1',
    op: 'create',
    position: 1,
    state: 'queued',
    attempts: 0,
    nextAttemptAt: undefined,
    firstSentAt: undefined,
    lastError: undefined,
    result: undefined,
    createdAt: new Date(T).toISOString(),
    updatedAt: new Date(T + 99).toISOString(),
    committedAt: undefined,
  }
}

/** Applies a patch the way updateMutation does: omitted = untouched, null = cleared. */
function applyPatch(row: StoredMutation, patch: MutationPatch): StoredMutation {
  const next: StoredMutation = { ...row }
  const set = <K extends keyof MutationPatch & keyof StoredMutation>(key: K): void => {
    const value = patch[key]
    if (value === undefined) return
    ;(next as unknown as Record<string, unknown>)[key] = value === null ? undefined : value
  }
  for (const key of [
    'state',
    'recordId',
    'attempts',
    'nextAttemptAt',
    'firstSentAt',
    'lastError',
    'result',
    'committedAt',
  ] as const) {
    set(key)
  }
  return next
}

const send = (atMs: number): MutationAction => ({ type: 'send', batchId: 'b1', atMs })
test.each<[string, MutationAction[]]>([
  ['queued', []],
  ['queued for a retry', [send(T), { type: 'retry', error: E, nextAttemptAtMs: T + 500 }]],
  ['reconciling', [send(T), { type: 'outcome-unknown', error: E, atMs: T + 1 }]],
  [
    'reconciling, search retried',
    [
      send(T),
      { type: 'outcome-unknown', error: E, atMs: T + 1 },
      { type: 'reconcile-error', error: E, nextAttemptAtMs: T + 9 },
    ],
  ],
  ['committed', [send(T), { type: 'ack', recordId: 'recA', atMs: T + 5 }]],
  ['failed', [send(T), { type: 'fail', error: E, atMs: T + 5 }]],
  [
    'dropped',
    [
      { type: 'fail', error: E, atMs: T },
      { type: 'drop', by: 'ops', atMs: T + 1 },
    ],
  ],
  ['conflict', [{ type: 'conflict', conflictId: 'cnf1', atMs: T }]],
  ['superseded (cancelled)', [{ type: 'cancel', by: 'mut9', atMs: T }]],
  [
    'superseded (resolved)',
    [
      { type: 'conflict', conflictId: 'cnf1', atMs: T },
      { type: 'resolve', conflictId: 'cnf1', outcome: 'discard', by: 'ops', atMs: T + 1 },
    ],
  ],
  [
    'requeued after failing',
    [send(T), { type: 'fail', error: E, atMs: T + 5 }, { type: 'requeue', by: 'ops', atMs: T + 6 }],
  ],
])('%s round-trips through a row', (_name, actions) => {
  let row = freshRow()
  let state: MutationLifecycle = initialLifecycle()
  for (const action of actions) {
    state = reduce(state, action)
    row = applyPatch(row, patchOf(state))
  }
  expect(lifecycleOf(row)).toEqual(state)
})

test('a sending row read back has lost its batch but keeps its attempts and first send', () => {
  const state = reduce(initialLifecycle(), send(T))
  const back = lifecycleOf(applyPatch(freshRow(), patchOf(state)))
  expect(back).toMatchObject({ status: 'sending', attempts: 1, firstSentAtMs: T, batchId: '' })
})
