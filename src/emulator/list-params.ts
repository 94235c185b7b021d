/**
 * List-records parameters (airtable-api.md §2.2, §2.3). The wire parsing is protocol
 * (src/protocol/list-params.ts), shared with the API; this wrapper only turns its errors into
 * the emulator's {@link EmulatorError} with the same type and message.
 */
import {
  ListParamsError,
  parseListParams as parseProtocolListParams,
  parseRenderQuery as parseProtocolRenderQuery,
  type ListParams,
  type ParseListOptions,
} from '../protocol/list-params.ts'
import { EmulatorError } from './state/types.ts'

export {
  MAX_PAGE_SIZE,
  queryToRaw,
  type ListParams,
  type ParseListOptions,
} from '../protocol/list-params.ts'

function asEmulatorError(error: unknown): unknown {
  return error instanceof ListParamsError
    ? new EmulatorError({ type: error.type, message: error.message })
    : error
}

/** Validates list parameters; see the protocol's parseListParams. */
export function parseListParams(
  body: unknown,
  query: URLSearchParams,
  options: ParseListOptions,
): ListParams {
  try {
    return parseProtocolListParams(body, query, options)
  } catch (error) {
    throw asEmulatorError(error)
  }
}

/** Parses `returnFieldsByFieldId`/`cellFormat`/`timeZone`/`userLocale` for get-one. */
export function parseRenderQuery(query: URLSearchParams, options: ParseListOptions): ListParams {
  try {
    return parseProtocolRenderQuery(query, options)
  } catch (error) {
    throw asEmulatorError(error)
  }
}
