/**
 * The SDK's size budget (issue 6, done means 5): the bundle an app loads for `airsync/client`,
 * minified and gzipped, stays within SDK_SIZE_BUDGET. Sizes are deterministic (same sources,
 * same esbuild), so this asserts a measurement, not a timing. `npm run bench -- sdk-size`
 * prints the same figures.
 */
import { expect, test } from 'vitest'
import { measureSdkSize, SDK_SIZE_BUDGET } from '../../test/sdk-bundle.ts'

test('the SDK bundle (min+gzip) is within its budget; the formula evaluator is a lazy chunk', async () => {
  const size = await measureSdkSize()
  expect(size.initialGzipBytes).toBeGreaterThan(0)
  expect(size.initialGzipBytes).toBeLessThanOrEqual(SDK_SIZE_BUDGET.initialGzipBytes)
  // Split off, not inlined: a lazy chunk exists and is within its own budget.
  expect(size.lazyGzipBytes).toBeGreaterThan(0)
  expect(size.lazyGzipBytes).toBeLessThanOrEqual(SDK_SIZE_BUDGET.lazyGzipBytes)
})
