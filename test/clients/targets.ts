/**
 * The two places a third-party client is pointed at in the client-compatibility suite: the
 * emulator (standing in for Airtable) and airsync in front of it, over real HTTP on port 0, on
 * the Presence seed. A client runs the same scenario against each and the suite compares the
 * transcripts after {@link normalise}, which removes only what is documented to differ between
 * two runs: IDs and creation times of records the scenario created, and the run's own tag in text.
 */
import { startStack, type Stack } from '../stack.ts'

/** One endpoint a client talks to. */
export interface Target {
  readonly name: 'emulator' | 'airsync'
  /** Base URL, as the client's `endpointUrl` (no trailing slash). */
  readonly url: string
  /** The bearer token: the emulator's PAT, or airsync's service key. */
  readonly token: string
  /** Tags the text a scenario writes, so both runs never touch each other's records. */
  readonly tag: string
}

/** The stack and its two targets. */
export interface Targets extends AsyncDisposable {
  readonly stack: Stack
  readonly baseId: string
  readonly emulator: Target
  readonly airsync: Target
  readonly both: readonly [Target, Target]
}

/** Starts the emulator and airsync (ready: first full sync done). */
export async function startTargets(): Promise<Targets> {
  const stack = await startStack()
  const emulator: Target = {
    name: 'emulator',
    url: stack.emulator.url,
    token: stack.emulator.token,
    tag: '~run-emulator~',
  }
  const airsync: Target = {
    name: 'airsync',
    url: stack.url,
    token: stack.serviceKey,
    tag: '~run-airsync~',
  }
  return {
    stack,
    baseId: stack.baseId,
    emulator,
    airsync,
    both: [emulator, airsync],
    [Symbol.asyncDispose]: () => stack.close(),
  }
}

const RECORD_ID = /\brec[A-Za-z0-9]{14}\b/g
const COMMENT_ID = /\bcom[A-Za-z0-9]{14}\b/g

/**
 * A transcript with the IDs in `created` replaced by `rec#1`, `rec#2`, … (in order of first
 * appearance), comment IDs by `com#`, and `tag` by `~run~`. Scenarios drop the `createdTime` of what
 * they create themselves.
 * Seed record IDs are kept: both runs must see the same ones.
 */
export function normalise(
  value: unknown,
  run: { tag: string; created: ReadonlySet<string> },
): unknown {
  const names = new Map<string, string>()
  const text = JSON.stringify(value ?? null)
    .replaceAll(run.tag, '~run~')
    .replace(RECORD_ID, (id) => {
      if (!run.created.has(id)) return id
      if (!names.has(id)) names.set(id, `rec#${names.size + 1}`)
      return names.get(id) ?? id
    })
    .replace(COMMENT_ID, 'com#')
  return JSON.parse(text) as unknown
}
