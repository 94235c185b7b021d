/**
 * Who may read and write what: bearer-token authentication (service key or user JWT) and
 * per-table, per-role policies whose row filters are Airtable formulas over the user's claims.
 * The API applies the same access to reads, writes and the SSE stream.
 */
export {
  createAuthenticator,
  issueDevToken,
  DEFAULT_ROLE_MAP,
  type Authenticator,
  type AuthenticatorOptions,
  type DevTokenOptions,
  type Principal,
  type UserPrincipal,
} from './auth.ts'
export { ROLES, type Role } from './roles.ts'
export {
  AuthError,
  PolicyError,
  PolicyConfigError,
  NOT_PERMITTED_MESSAGE,
  notPermittedFieldMessage,
  type AuthFailure,
  type PolicyErrorType,
} from './errors.ts'
export {
  parsePolicyDocument,
  policyDocumentSchema,
  type PolicyDocument,
  type PolicyDocumentInput,
  type RoleRuleInput,
  type RowRule,
  type FieldRule,
} from './policy.ts'
export {
  createPolicyEngine,
  type PolicyEngine,
  type PolicyEngineOptions,
  type TableAccess,
  type RowAccess,
} from './access.ts'
export type { FieldSet } from './compile.ts'
export { CLAIM_FUNCTIONS, bindClaims } from './claims.ts'
export { referencedFields, andFilters, FALSE_NODE } from './formula-ast.ts'
export {
  projectFields,
  visibleTable,
  isFieldReadable,
  hiddenFields,
  checkReadRequest,
  type ReadRequestFields,
  type CheckReadOptions,
} from './visibility.ts'
export {
  decideWrite,
  checkWrite,
  type WriteRequest,
  type WriteDecision,
  type WriteOperation,
  type WriteCheckOptions,
} from './write-check.ts'
export { PRESENCE_POLICIES } from './presence-policies.ts'
export { keyedFieldsOf, type KeyedField } from './keyed-fields.ts'
export { rowMatches } from './match.ts'
export { deliverChange, type ChangeDelivery, type RecordChange } from './stream.ts'
