/**
 * The emulator's data model: an Airtable base in memory (see base.ts for the API and its
 * invariants, types.ts for the shared contract).
 */
export { EmulatedBase, type EmulatedBaseOptions } from './base.ts'
export type { BulkTableInput } from './bulk-load.ts'
export { DEFAULT_BEHAVIOUR, type BaseBehaviour } from './model.ts'
export type { Renderer } from './render.ts'
export { baseSnapshotSchema, type BaseSnapshot } from './snapshot.ts'
export * from './types.ts'
