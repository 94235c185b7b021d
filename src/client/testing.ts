/**
 * Test support for the SDK's tests against the real stack (test/stack.ts) in Node; never part of
 * the SDK (tsconfig.web.json leaves it out).
 */
import type { Stack } from '../../test/stack.ts'
import type { PresenceTables } from '../protocol/index.ts'
import {
  createAirsyncClient,
  PRESENCE_TABLE_CONFIG,
  type AirsyncClient,
  type AirsyncClientOptions,
} from './index.ts'

/** A client of the Presence tables on `stack`, as the demo member, polling and retrying fast. */
export function stackClient(
  stack: Stack,
  options: Partial<AirsyncClientOptions> & Pick<AirsyncClientOptions, 'storage'>,
): AirsyncClient<PresenceTables> {
  return createAirsyncClient<PresenceTables>({
    url: stack.url,
    baseId: stack.baseId,
    getToken: () => stack.tokens.member,
    tables: PRESENCE_TABLE_CONFIG,
    pollIntervalMs: 200,
    retryBaseMs: 100,
    ...options,
  })
}
