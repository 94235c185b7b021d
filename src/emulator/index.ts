/**
 * The emulator's public face: a local Airtable as a Hono app (`createEmulator`), served over HTTP
 * (`startEmulator`, `listen`). See airtable-api.md for the behaviour it reproduces.
 */
export { createEmulator, type Emulator } from './app.ts'
export { startEmulator, type RunningEmulator, type StartEmulatorOptions } from './start.ts'
export { listen, type Listener, type ListenOptions } from './node.ts'
export type { EmulatorOptions, RateLimitOptions } from './options.ts'
export type { FaultSettings, FaultSettingsInput } from './faults.ts'
export type { StatsSnapshot } from './stats.ts'
export { generateToken, TokenRegistry } from './tokens.ts'
export { FAULT_HEADER } from './middleware.ts'
export { DEFAULT_UI_USER, type UiEdit } from './routes/control.ts'
export { EmulatedBase, EmulatorError, type BaseTransaction } from './state/index.ts'
export {
  DEMO_HOST_EMAIL,
  DEMO_MEMBER_EMAIL,
  EMPTY_BASE_ID,
  loadSeed,
  loadSeedBases,
  PRESENCE_BASE_ID,
  type SeedName,
} from './seed/index.ts'
