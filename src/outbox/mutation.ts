/**
 * The life of one outbox mutation, as a discriminated union of states and one pure reducer
 * (STYLE habit 10). The writer service applies an action, persists the new state and appends the
 * action to the audit log (`auditOf`), in one transaction: the action is what the log records.
 *
 * ```
 *                 coalesce-away / cancel / resolve(discard)
 *        ┌─────────────────────────────────────────────────────────────► superseded
 *        │                        retry (not applied, backoff)
 *        │          ┌───────────────────────────────────────┐
 *        │          ▼                                       │
 *   ──► queued ──send──► sending ──ack──────────────────────┼──────────► committed
 *        ▲  │  ▲          │   │                             │                ▲
 *        │  │  │          │   └─outcome-unknown─► reconciling ─reconcile-found┘
 *        │  │  │          │                        │   │  ▲
 *        │  │  │          │    reconcile-missing ◄─┘   │  └─reconcile-error (search failed)
 *        │  │  └──────────┼────────────────────────────┘ (resend)
 *        │  │             │
 *        │  ├─conflict────┴─conflict───► conflict ──resolve(send)──► queued
 *        │  │                               │
 *        │  └─fail── sending/reconciling ───┴──fail──► failed ──drop──► dropped
 *        │                                              │
 *        └────────────────────requeue───────────────────┘   (conflict ──drop──► dropped too)
 * ```
 *
 * Invariants (checked by `isValidLifecycle`, proved by property tests):
 * - `attempts` counts `send`s and never decreases; `firstSentAtMs` is set by the first send
 *   and never changes afterwards — reconciliation searches for records created after it.
 * - `committed`, `superseded` and `dropped` are final: every action on them is refused.
 * - An action that does not apply to a state throws {@link InvalidTransitionError}: a stale
 *   answer after a takeover is a bug for the caller to handle, never silently swallowed.
 *
 * Whether a failed send is retried (`retry`), must be reconciled (`outcome-unknown`, for creates,
 * which Airtable cannot de-duplicate) or is final (`fail`) is the caller's decision, taken from the
 * error (`mayHaveBeenApplied` in src/airtable) and the mutation's op.
 */
import type { AuditInput, MutationState } from '../store/index.ts'
import { unreachable } from '../shared/index.ts'

/** An error as the outbox keeps it: plain data, serialisable into `last_error`. */
export interface MutationError {
  /** Airtable's `type` verbatim, or a client type such as `TIMEOUT`. */
  type: string
  message: string
  /** HTTP status, 0 when no response arrived. */
  status: number
}

interface Counted {
  /** How many times it was sent. */
  attempts: number
  /** When it was first sent (epoch ms); `undefined` until then. */
  firstSentAtMs: number | undefined
}

/** Waiting to be sent; `nextAttemptAtMs` delays a retry. */
export interface QueuedState extends Counted {
  status: 'queued'
  nextAttemptAtMs: number | undefined
  lastError: MutationError | undefined
}
/** In a request to Airtable. */
export interface SendingState extends Counted {
  status: 'sending'
  firstSentAtMs: number
  batchId: string
  sentAtMs: number
}
/** Sent, outcome unknown: looking for what it may have created before sending it again. */
export interface ReconcilingState extends Counted {
  status: 'reconciling'
  firstSentAtMs: number
  lastError: MutationError
  nextAttemptAtMs: number | undefined
}
/** In Airtable. */
export interface CommittedState extends Counted {
  status: 'committed'
  recordId: string
  committedAtMs: number
  /** How it got there: Airtable's answer, or found by reconciliation. */
  via: 'ack' | 'reconcile'
}
/** Airtable refused it, or it ran out of attempts; the mirror goes back to Airtable's value. */
export interface FailedState extends Counted {
  status: 'failed'
  error: MutationError
  failedAtMs: number
}
/** Held: a `manual` conflict waits for a person. */
export interface ConflictState extends Counted {
  status: 'conflict'
  conflictId: string
}
/** Never sent by itself: folded into another mutation, cancelled, or resolved away. */
export interface SupersededState extends Counted {
  status: 'superseded'
  /** The mutation that took its place (for `resolved`, the conflict ID). */
  by: string
  reason: 'coalesced' | 'cancelled' | 'resolved'
}
/** An operator gave up on it. */
export interface DroppedState extends Counted {
  status: 'dropped'
  droppedBy: string
}

/** Where a mutation is in its life. */
export type MutationLifecycle =
  | QueuedState
  | SendingState
  | ReconcilingState
  | CommittedState
  | FailedState
  | ConflictState
  | SupersededState
  | DroppedState

/** The status names, for exhaustive tables. */
export type MutationStatus = MutationLifecycle['status']

/** Everything that can happen to a mutation; each is one audit entry. `atMs` is epoch ms. */
export type MutationAction =
  | { type: 'send'; batchId: string; atMs: number }
  | { type: 'ack'; recordId: string; atMs: number; latencyMs?: number }
  /** Known not applied (429, 5xx before commit, or an idempotent op): send again later. */
  | { type: 'retry'; error: MutationError; nextAttemptAtMs: number; latencyMs?: number }
  /** May have been applied (timeout, reset, 5xx after sending) and is not idempotent. */
  | { type: 'outcome-unknown'; error: MutationError; atMs: number; latencyMs?: number }
  | { type: 'reconcile-found'; recordId: string; atMs: number }
  | { type: 'reconcile-missing'; atMs: number }
  /** The search itself failed; search again later. */
  | { type: 'reconcile-error'; error: MutationError; nextAttemptAtMs: number }
  | { type: 'fail'; error: MutationError; atMs: number; latencyMs?: number }
  | { type: 'conflict'; conflictId: string; atMs: number }
  /** A held conflict was settled: `send` the resolved values, or `discard` (nothing to write). */
  | { type: 'resolve'; conflictId: string; outcome: 'send' | 'discard'; by: string; atMs: number }
  | { type: 'coalesce'; into: string; atMs: number }
  | { type: 'cancel'; by: string; atMs: number }
  /** An operator sends a failed mutation again. */
  | { type: 'requeue'; by: string; atMs: number }
  | { type: 'drop'; by: string; atMs: number }

/** The action names. */
export type MutationActionType = MutationAction['type']

/** Thrown when an action does not apply to a state: a caller bug, never a user error. */
export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError'
  readonly from: MutationStatus
  readonly action: MutationActionType
  constructor(from: MutationStatus, action: MutationActionType) {
    super(`mutation action "${action}" does not apply to state "${from}"`)
    this.from = from
    this.action = action
  }
}

/** A new mutation's state. */
export function initialLifecycle(): QueuedState {
  return {
    status: 'queued',
    attempts: 0,
    firstSentAtMs: undefined,
    nextAttemptAtMs: undefined,
    lastError: undefined,
  }
}

/** True for states no action leaves. */
export function isFinal(state: MutationLifecycle): boolean {
  return state.status === 'committed' || state.status === 'superseded' || state.status === 'dropped'
}

/** The next state. Pure; throws {@link InvalidTransitionError} when `action` does not apply. */
export function reduce(state: MutationLifecycle, action: MutationAction): MutationLifecycle {
  const refuse = (): never => {
    throw new InvalidTransitionError(state.status, action.type)
  }
  const counted = { attempts: state.attempts, firstSentAtMs: state.firstSentAtMs }
  switch (action.type) {
    case 'send':
      if (state.status !== 'queued') return refuse()
      return {
        status: 'sending',
        attempts: state.attempts + 1,
        firstSentAtMs: state.firstSentAtMs ?? action.atMs,
        batchId: action.batchId,
        sentAtMs: action.atMs,
      }
    case 'ack':
      if (state.status !== 'sending') return refuse()
      return {
        status: 'committed',
        ...counted,
        recordId: action.recordId,
        committedAtMs: action.atMs,
        via: 'ack',
      }
    case 'retry':
      if (state.status !== 'sending') return refuse()
      return {
        status: 'queued',
        ...counted,
        nextAttemptAtMs: action.nextAttemptAtMs,
        lastError: action.error,
      }
    case 'outcome-unknown':
      if (state.status !== 'sending') return refuse()
      return {
        status: 'reconciling',
        ...counted,
        firstSentAtMs: state.firstSentAtMs,
        lastError: action.error,
        nextAttemptAtMs: undefined,
      }
    case 'reconcile-found':
      if (state.status !== 'reconciling') return refuse()
      return {
        status: 'committed',
        ...counted,
        recordId: action.recordId,
        committedAtMs: action.atMs,
        via: 'reconcile',
      }
    case 'reconcile-missing':
      if (state.status !== 'reconciling') return refuse()
      // firstSentAtMs survives: the next search must still look back to the first attempt.
      return {
        status: 'queued',
        ...counted,
        nextAttemptAtMs: action.atMs,
        lastError: state.lastError,
      }
    case 'reconcile-error':
      if (state.status !== 'reconciling') return refuse()
      return { ...state, lastError: action.error, nextAttemptAtMs: action.nextAttemptAtMs }
    case 'fail':
      if (
        state.status !== 'queued' &&
        state.status !== 'sending' &&
        state.status !== 'reconciling'
      ) {
        return refuse()
      }
      return { status: 'failed', ...counted, error: action.error, failedAtMs: action.atMs }
    case 'conflict':
      if (state.status !== 'queued' && state.status !== 'sending') return refuse()
      return { status: 'conflict', ...counted, conflictId: action.conflictId }
    case 'resolve':
      if (state.status !== 'conflict' || state.conflictId !== action.conflictId) return refuse()
      return action.outcome === 'send'
        ? { status: 'queued', ...counted, nextAttemptAtMs: undefined, lastError: undefined }
        : { status: 'superseded', ...counted, by: action.conflictId, reason: 'resolved' }
    case 'coalesce':
      if (state.status !== 'queued') return refuse()
      return { status: 'superseded', ...counted, by: action.into, reason: 'coalesced' }
    case 'cancel':
      if (state.status !== 'queued') return refuse()
      return { status: 'superseded', ...counted, by: action.by, reason: 'cancelled' }
    case 'requeue':
      if (state.status !== 'failed') return refuse()
      return { status: 'queued', ...counted, nextAttemptAtMs: undefined, lastError: state.error }
    case 'drop':
      if (state.status !== 'failed' && state.status !== 'conflict') return refuse()
      return { status: 'dropped', ...counted, droppedBy: action.by }
    default:
      return unreachable(action)
  }
}

/** True when `action` applies to `state` (reduce would not throw). */
export function canApply(state: MutationLifecycle, action: MutationAction): boolean {
  try {
    reduce(state, action)
    return true
  } catch (error) {
    if (error instanceof InvalidTransitionError) return false
    throw error
  }
}

/** The structural invariants every reachable state satisfies (see the module header). */
export function isValidLifecycle(state: MutationLifecycle): boolean {
  if (!Number.isInteger(state.attempts) || state.attempts < 0) return false
  // Sent at least once exactly when a first-send time is known.
  if (state.attempts > 0 !== (state.firstSentAtMs !== undefined)) return false
  switch (state.status) {
    case 'sending':
    case 'reconciling':
      return state.attempts > 0
    case 'committed':
      return state.recordId !== '' && (state.via === 'ack' ? state.attempts > 0 : true)
    case 'queued':
    case 'failed':
    case 'conflict':
    case 'superseded':
    case 'dropped':
      return true
    default:
      return unreachable(state)
  }
}

/**
 * The store's state column for a lifecycle state. The store knows five states: `reconciling`
 * is kept as `sending` (pending, outcome unknown: `listPendingMutations` returns it),
 * `superseded` as `committed` (settled: its effect is in the mutation that replaced it) and
 * `dropped` as `failed` (an operator's decision, visible in the audit log).
 */
export const STORE_STATE: Readonly<Record<MutationStatus, MutationState>> = {
  queued: 'queued',
  sending: 'sending',
  reconciling: 'sending',
  committed: 'committed',
  failed: 'failed',
  conflict: 'conflict',
  superseded: 'committed',
  dropped: 'failed',
}

/** The audit columns an action produces (the caller adds who, where, before and after). */
export type MutationAudit = Pick<
  AuditInput,
  'action' | 'outcome' | 'attempts' | 'latencyMs' | 'detail'
>

/** What the audit log records for `action`, which led to `next`. */
export function auditOf(action: MutationAction, next: MutationLifecycle): MutationAudit {
  const { type, ...detail } = action
  const latency =
    'latencyMs' in action && action.latencyMs !== undefined ? { latencyMs: action.latencyMs } : {}
  return { action: type, outcome: next.status, attempts: next.attempts, ...latency, detail }
}
