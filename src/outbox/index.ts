/**
 * The outbox: the durable write path to Airtable. This file is the module's public face.
 *
 * So far the pure core (STYLE habit 11 — decide in pure functions, act in thin shells):
 * - mutation.ts: a mutation's lifecycle, one reducer; each action is an audit entry.
 * - coalesce.ts: consecutive unsent mutations of one record → one entry.
 * - batch.ts: the next round of requests (≤10 records, per-record order, tables take turns).
 * - conflict.ts: three-way field-level conflicts and their five policies.
 * - conflict-policies.ts, presence-conflict-policies.ts: policies by name, with reasons.
 * - reconcile.ts: finding what a create with an unknown outcome may have created.
 * - failure.ts: what a failed request means for its mutations (retry, reconcile, fail).
 * - store-mapping.ts: lifecycle states to outbox rows (src/store) and back.
 * - accept.ts (+ accept-apply.ts, accept-mirror.ts, validate*.ts): accepting a write — schema
 *   checks, the optimistic mirror update, outbox rows and audit entries in one transaction.
 * The writer service (one per base, advisory lock) wires these to src/store and src/airtable:
 * - writer.ts: the Service (lock, rounds, tasks); writer-round.ts: plan, send, apply, recover;
 *   writer-apply.ts: transitions + mirror + feed + audit in one transaction; writer-send.ts:
 *   requests and batched reads; writer-conflicts.ts, writer-reconcile.ts: the two stages.
 * - resolve-held.ts: settling a held (`manual`) conflict.
 * - operator.ts: an operator re-queues or drops a failed mutation.
 */
export {
  InvalidTransitionError,
  STORE_STATE,
  auditOf,
  canApply,
  initialLifecycle,
  isFinal,
  isValidLifecycle,
  reduce,
  type CommittedState,
  type ConflictState,
  type DroppedState,
  type FailedState,
  type MutationAction,
  type MutationActionType,
  type MutationAudit,
  type MutationError,
  type MutationLifecycle,
  type MutationStatus,
  type QueuedState,
  type ReconcilingState,
  type SendingState,
  type SupersededState,
} from './mutation.ts'
export {
  coalesce,
  recordKeyOf,
  type CoalesceResult,
  type CoalescedMutation,
  type PendingMutation,
} from './coalesce.ts'
export {
  MAX_RECORDS_PER_REQUEST,
  planRound,
  type Plan,
  type PlanOptions,
  type PlannedRequest,
  type RequestKind,
} from './batch.ts'
export { cellsEqual, setsEqual } from './cell-equality.ts'
export {
  CONFLICT_POLICIES,
  mergeSets,
  resolveThreeWay,
  summariseConflicts,
  type ConflictPolicy,
  type ConflictSummary,
  type FieldConflict,
  type FieldResolution,
  type ThreeWayInput,
  type ThreeWayResult,
} from './conflict.ts'
export {
  resolveConflictPolicies,
  type ConflictPolicyDocument,
  type ConflictPolicyLookup,
  type PolicyWithReason,
  type TableConflictPolicies,
} from './conflict-policies.ts'
export { PRESENCE_CONFLICT_POLICIES } from './presence-conflict-policies.ts'
export {
  buildReconcileSearch,
  decideReconcile,
  formulaFieldName,
  formulaString,
  storedEqual,
  type ReconcileDecision,
  type ReconcileDecisionInput,
  type ReconcileSearch,
  type ReconcileSearchInput,
} from './reconcile.ts'
export {
  DEFAULT_OUTBOX_RETRY_POLICY,
  failureAction,
  mutationErrorOf,
  type FailureInput,
  type OutboxRetryPolicy,
} from './failure.ts'
export { lifecycleOf, patchOf } from './store-mapping.ts'
export {
  acceptWrites,
  type AcceptOptions,
  type AcceptRecordInput,
  type AcceptResult,
  type AcceptVerb,
  type AcceptedRecord,
  type RecordState,
  type WriteCheckInput,
  type WriteScope,
} from './accept.ts'
export {
  WriteValidationError,
  normalizeCell,
  validateFields,
  type ValidateOptions,
} from './validate.ts'
export { createOutboxWriter, type OutboxWriter, type OutboxWriterOptions } from './writer.ts'
export type { WriterLogger } from './writer-apply.ts'
export {
  resolveHeldConflict,
  type HeldConflictOutcome,
  type HeldConflictResolution,
} from './resolve-held.ts'
export { applyOperatorAction, type OperatorAction, type OperatorOutcome } from './operator.ts'
