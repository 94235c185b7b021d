/**
 * `startEmulator`: an emulator served over HTTP in one call, for the CLI, tests and benchmarks.
 */
import { createEmulator, type Emulator } from './app.ts'
import { listen } from './node.ts'
import type { EmulatorOptions } from './options.ts'

export interface StartEmulatorOptions extends EmulatorOptions {
  /** 0 picks a free port. @default 0 */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
}

/** A served emulator. */
export interface RunningEmulator extends AsyncDisposable {
  readonly emulator: Emulator
  /** `http://host:port`; give it to airtable.js as `endpointUrl`. */
  readonly url: string
  close(): Promise<void>
}

/** Creates an emulator and listens; `close()` stops both. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await createEmulator(options)
  const listener = await listen({
    fetch: (request, env) => emulator.app.fetch(request, env),
    ...(options.port !== undefined && { port: options.port }),
    ...(options.host !== undefined && { host: options.host }),
  })
  const close = async (): Promise<void> => {
    await emulator.close()
    await listener.close()
  }
  return { emulator, url: listener.url, close, [Symbol.asyncDispose]: close }
}
