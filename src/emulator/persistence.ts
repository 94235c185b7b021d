/**
 * `--data DIR`: crash-safe persistence of emulator state as JSON files, one per part (each base,
 * the webhooks). A write goes to a temp file, is fsynced, renamed over the old file and the
 * directory fsynced, so a crash leaves either the old or the new file, never half of one. Writes
 * are coalesced: many transactions within `delayMs` produce one write per part. By default the
 * app answers a request only after `durable()` (options.ts `persistBeforeAck`), so concurrent
 * requests share one write (group commit) and nothing acknowledged is lost to a kill -9.
 */
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'

/** Writes `text` to `file` atomically (temp + fsync + rename + directory fsync). */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file)
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`)
  const handle = await open(temp, 'w')
  try {
    await handle.writeFile(text, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
  const dirHandle = await open(dir, 'r')
  try {
    await dirHandle.sync()
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    await dirHandle.close()
  }
}

/** Reads a persisted part, or undefined when it was never written. */
export async function readPart(dir: string, name: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path.join(dir, `${name}.json`), 'utf8')) as unknown
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

export interface PersisterOptions {
  dir: string
  /** Coalescing window, in ms. @default 50 */
  delayMs?: number
  /** Called when a write fails (the next change retries). */
  onError?: (error: unknown) => void
}

/** Schedules coalesced atomic writes of named parts. */
export class Persister {
  readonly #dir: string
  readonly #delayMs: number
  readonly #onError: (error: unknown) => void
  readonly #pending = new Map<string, () => unknown>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #writing: Promise<void> = Promise.resolve()

  constructor(options: PersisterOptions) {
    this.#dir = options.dir
    this.#delayMs = options.delayMs ?? 50
    this.#onError = options.onError ?? (() => undefined)
  }

  /** Makes sure the directory exists and removes temp files a crash left behind. */
  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true })
    // A kill -9 between open and rename leaves `.NAME.PID.TIME.tmp`; the old NAME.json is intact.
    for (const name of await readdir(this.#dir)) {
      if (/^\..+\.tmp$/.test(name)) await rm(path.join(this.#dir, name), { force: true })
    }
  }

  /** Asks for `name` to be written soon; `snapshot` is called at write time. */
  schedule(name: string, snapshot: () => unknown): void {
    this.#pending.set(name, snapshot)
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined
      void this.flush()
    }, this.#delayMs)
  }

  /**
   * Resolves once everything scheduled so far is on disk: flushes now when something is pending,
   * else waits for a write already under way (a timer's flush may hold the caller's change).
   */
  durable(): Promise<void> {
    return this.#pending.size > 0 ? this.flush() : this.#writing
  }

  /** Writes everything pending now; resolves when it is on disk. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    const parts = [...this.#pending]
    this.#pending.clear()
    // Chain writes so two flushes never race on one file.
    this.#writing = this.#writing.then(async () => {
      for (const [name, snapshot] of parts) {
        try {
          await writeFileAtomic(path.join(this.#dir, `${name}.json`), JSON.stringify(snapshot()))
        } catch (error) {
          this.#onError(error)
        }
      }
    })
    return this.#writing
  }
}
