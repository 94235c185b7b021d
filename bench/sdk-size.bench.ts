/**
 * The SDK's size for browsers (issue 6, done means 5): `airsync/client` bundled as an app's
 * bundler would (esbuild, ESM, code splitting, minified), gzipped per file. The timed step is the
 * build + gzip; the sizes, against SDK_SIZE_BUDGET (enforced by src/client/size.test.ts), are
 * printed on stderr when the case closes.
 */
import { measureSdkSize, SDK_SIZE_BUDGET, type SdkSize } from '../test/sdk-bundle.ts'
import type { Benchmark, BenchCase } from './lib.ts'

const kB = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`

function sizeCase(): BenchCase {
  let size: SdkSize | undefined
  return {
    async step() {
      size = await measureSdkSize()
    },
    close() {
      if (size === undefined) return
      console.error(
        `sdk-size: airsync/client initial ${kB(size.initialMinBytes)} min, ` +
          `${kB(size.initialGzipBytes)} min+gz (budget ${kB(SDK_SIZE_BUDGET.initialGzipBytes)}); ` +
          `formula evaluator chunk (lazy) ${kB(size.lazyMinBytes)} min, ` +
          `${kB(size.lazyGzipBytes)} min+gz (budget ${kB(SDK_SIZE_BUDGET.lazyGzipBytes)})`,
      )
    },
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'SDK bundle: esbuild minify + gzip of airsync/client (sizes on stderr)',
    group: 'sdk-size',
    iterations: 5,
    warmup: 1,
    setup: sizeCase,
  },
]
