/**
 * The SDK shapes the pages use, re-exported from src/client so pages and components import
 * data types from hooks/ only (hooks/ is the one React adapter over the SDK).
 */
export type { ClientSnapshot, ListOptions, ListSnapshot, SdkEvent } from '../../client/index.ts'
