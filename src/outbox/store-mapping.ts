/**
 * Between lifecycle states (mutation.ts) and outbox rows (src/store/outbox.ts). The store knows
 * five states; the three extra ones are kept in columns it already has (see `STORE_STATE`):
 * - `reconciling` is `sending` with `last_error.outcomeUnknown = true`;
 * - `superseded` is `committed` with `result.superseded = { by, reason }`;
 * - `dropped` is `failed` with `last_error.type = 'DROPPED'`; a failure's time is `last_error.failedAtMs`;
 * - a held conflict keeps its ID in `result.conflictId`.
 * A `sending` row read back has lost its batch: after a restart nobody knows whether its request
 * landed, so the writer treats it as an unknown outcome (`outcome-unknown` for a create, `retry`
 * for the rest) before anything else.
 */
import type { MutationPatch, StoredMutation } from '../store/index.ts'
import { STORE_STATE, type MutationError, type MutationLifecycle } from './mutation.ts'

/** The error kept for a dropped mutation. */
const DROPPED = 'DROPPED'

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString()

/** The row change that stores `state`. */
export function patchOf(state: MutationLifecycle): MutationPatch {
  const patch: MutationPatch = {
    state: STORE_STATE[state.status],
    attempts: state.attempts,
    firstSentAt: iso(state.firstSentAtMs),
  }
  switch (state.status) {
    case 'queued':
      return {
        ...patch,
        nextAttemptAt: iso(state.nextAttemptAtMs),
        lastError: state.lastError ?? null,
      }
    case 'sending':
      return { ...patch, nextAttemptAt: null }
    case 'reconciling':
      return {
        ...patch,
        nextAttemptAt: iso(state.nextAttemptAtMs),
        lastError: { ...state.lastError, outcomeUnknown: true },
      }
    case 'committed':
      return {
        ...patch,
        recordId: state.recordId,
        committedAt: iso(state.committedAtMs),
        nextAttemptAt: null,
      }
    case 'failed':
      return {
        ...patch,
        lastError: { ...state.error, failedAtMs: state.failedAtMs },
        nextAttemptAt: null,
      }
    case 'conflict':
      return { ...patch, result: { conflictId: state.conflictId }, nextAttemptAt: null }
    case 'superseded':
      return {
        ...patch,
        result: { superseded: { by: state.by, reason: state.reason } },
        nextAttemptAt: null,
      }
    case 'dropped':
      return {
        ...patch,
        lastError: {
          type: DROPPED,
          message: `dropped by ${state.droppedBy}`,
          status: 0,
          by: state.droppedBy,
        },
        nextAttemptAt: null,
      }
  }
}

/** The lifecycle state a stored row is in (see the module header for what a row cannot tell). */
export function lifecycleOf(row: StoredMutation): MutationLifecycle {
  const counted = { attempts: row.attempts, firstSentAtMs: msOf(row.firstSentAt) }
  const error = errorOf(row.lastError)
  const result = objectOf(row.result)
  switch (row.state) {
    case 'queued':
      return {
        status: 'queued',
        ...counted,
        nextAttemptAtMs: msOf(row.nextAttemptAt),
        lastError: error,
      }
    case 'sending': {
      const firstSentAtMs = counted.firstSentAtMs ?? Date.parse(row.updatedAt)
      if (error !== undefined && objectOf(row.lastError)?.['outcomeUnknown'] === true) {
        return {
          status: 'reconciling',
          ...counted,
          firstSentAtMs,
          lastError: error,
          nextAttemptAtMs: msOf(row.nextAttemptAt),
        }
      }
      return {
        status: 'sending',
        ...counted,
        firstSentAtMs,
        batchId: '',
        sentAtMs: Date.parse(row.updatedAt),
      }
    }
    case 'committed': {
      const superseded = objectOf(result?.['superseded'])
      if (superseded !== undefined) {
        const reason = superseded['reason']
        return {
          status: 'superseded',
          ...counted,
          by: stringOf(superseded['by']),
          reason: reason === 'cancelled' || reason === 'resolved' ? reason : 'coalesced',
        }
      }
      return {
        status: 'committed',
        ...counted,
        recordId: row.recordId ?? '',
        committedAtMs: msOf(row.committedAt) ?? Date.parse(row.updatedAt),
        // The store does not keep how; an acknowledged send is the common case.
        via: 'ack',
      }
    }
    case 'failed': {
      const lastError = objectOf(row.lastError)
      if (lastError?.['type'] === DROPPED)
        return { status: 'dropped', ...counted, droppedBy: stringOf(lastError['by']) }
      return {
        status: 'failed',
        ...counted,
        error: error ?? { type: 'UNKNOWN', message: 'failed', status: 0 },
        failedAtMs: numberOf(lastError?.['failedAtMs']) ?? Date.parse(row.updatedAt),
      }
    }
    case 'conflict':
      return { status: 'conflict', ...counted, conflictId: stringOf(result?.['conflictId']) }
  }
}

function msOf(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Date.parse(value)
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function errorOf(value: unknown): MutationError | undefined {
  const object = objectOf(value)
  if (object === undefined) return undefined
  const { type, message, status } = object
  return {
    type: typeof type === 'string' ? type : 'UNKNOWN',
    message: typeof message === 'string' ? message : '',
    status: typeof status === 'number' ? status : 0,
  }
}
