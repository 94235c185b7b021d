/** `Retry-After` (RFC 9110 §10.2.3), shared by the upstream client and the SDK. */

/**
 * Parses a `Retry-After` header: delta-seconds or an HTTP date. Returns ms from `nowMs`, or
 * undefined when absent or unparseable.
 * @example parseRetryAfter('2', Date.now()) // 2000
 */
export function parseRetryAfter(
  header: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (header === null || header === undefined) return undefined
  const trimmed = header.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const dateMs = Date.parse(trimmed)
  if (Number.isNaN(dateMs)) return undefined
  return Math.max(0, dateMs - nowMs)
}
