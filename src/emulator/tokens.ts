/**
 * Bearer tokens the emulator accepts, each with the user behind it (whoami, webhook actors,
 * `sourceMetadata.user` of API writes). Every token has full access to every base: the emulator
 * does not model scopes or roles.
 */
import { newId } from '../protocol/ids.ts'
import type { Collaborator } from './state/types.ts'

/** The user behind tokens added without one. */
export const DEFAULT_API_USER: Collaborator = {
  id: 'usrEmulatorApi001',
  email: 'api@emulator.airsync.test',
  name: 'Emulator API user',
}

/** A token in the shape of a personal access token: `pat` + 14 chars + `.` + 64 hex (§0). */
export function generateToken(): string {
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('')
  return `${newId('pat')}.${hex}`
}

/** The accepted tokens. */
export class TokenRegistry {
  readonly #users = new Map<string, Collaborator>()

  constructor(tokens: Iterable<string> = [], user: Collaborator = DEFAULT_API_USER) {
    for (const token of tokens) this.add(token, user)
  }

  /** Accepts `token` from now on. */
  add(token: string, user: Collaborator = DEFAULT_API_USER): void {
    this.#users.set(token, user)
  }

  /** Stops accepting `token`. */
  remove(token: string): boolean {
    return this.#users.delete(token)
  }

  /** The user behind `token`, or undefined when it is not accepted. */
  userOf(token: string): Collaborator | undefined {
    return this.#users.get(token)
  }

  get size(): number {
    return this.#users.size
  }
}
