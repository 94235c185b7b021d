/**
 * The SDK (`airsync/client`, src/client/index.ts) bundled for browsers with esbuild, as an app's
 * bundler would: ES modules, code splitting (so `import()`ed modules — the formula evaluator
 * behind local list re-checks — become their own chunk), minified. Used by the size bench, the
 * size budget test and the Chromium harness (test/sdk-page.ts).
 */
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The SDK's public entry. */
export const SDK_ENTRY = path.join(ROOT, 'src/client/index.ts')

/** One output file of a bundle, by its path relative to the output folder. */
export interface BundleFile {
  name: string
  contents: Uint8Array
}

/** Bundles `entry` (default: the SDK) for browsers; `globalName` also sets `globalThis[name]`. */
export async function buildSdkBundle(
  options: { minify?: boolean; globalName?: string } = {},
): Promise<{ entry: string; files: BundleFile[]; metafile: esbuild.Metafile }> {
  const outdir = path.join(ROOT, '.sdk-bundle') // never written (write: false)
  const stdin =
    options.globalName === undefined
      ? undefined
      : {
          contents: `import * as sdk from ${JSON.stringify(SDK_ENTRY)}\nglobalThis[${JSON.stringify(options.globalName)}] = sdk\n`,
          resolveDir: ROOT,
          sourcefile: 'sdk-global.js',
          loader: 'js' as const,
        }
  const result = await esbuild.build({
    ...(stdin === undefined ? { entryPoints: { index: SDK_ENTRY } } : { stdin }),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    splitting: true,
    minify: options.minify ?? true,
    write: false,
    metafile: true,
    outdir,
    entryNames: 'index',
    chunkNames: '[name]-[hash]',
    logLevel: 'silent',
  })
  const files = result.outputFiles.map((f) => ({
    name: path.relative(outdir, f.path).split(path.sep).join('/'),
    contents: f.contents,
  }))
  return { entry: 'index.js', files, metafile: result.metafile }
}

/**
 * The size budget, min+gzip bytes (STYLE.md: `airsync/client` ≤ 20 kB). The evaluator chunk is
 * loaded only once a cached list must be re-checked after a change event; it is the formula
 * module (parser, evaluator, ~170 functions: about 30 kB) plus re2js, the linear-time RE2 engine
 * behind REGEX_* (about 46 kB), hence its own budget: 74 kB measured, 80 kB allowed.
 */
export const SDK_SIZE_BUDGET = { initialGzipBytes: 20 * 1024, lazyGzipBytes: 80 * 1024 } as const

/** The SDK's size for browsers, in bytes. */
export interface SdkSize {
  /** The entry and the chunks it imports statically: what loading the SDK costs. */
  initialMinBytes: number
  initialGzipBytes: number
  /** Chunks loaded on demand with `import()` (the formula evaluator). */
  lazyMinBytes: number
  lazyGzipBytes: number
}

/** Measures the minified SDK, gzipped per file (as a server sends each chunk). */
export async function measureSdkSize(): Promise<SdkSize> {
  const { entry, files, metafile } = await buildSdkBundle({ minify: true })
  const outputs = new Map(
    Object.entries(metafile.outputs).map(([file, output]) => [path.basename(file), output]),
  )
  const initial = new Set<string>()
  const visit = (name: string): void => {
    if (initial.has(name)) return
    initial.add(name)
    for (const imported of outputs.get(name)?.imports ?? []) {
      if (imported.kind === 'import-statement') visit(path.basename(imported.path))
    }
  }
  visit(entry)
  const size = { initialMinBytes: 0, initialGzipBytes: 0, lazyMinBytes: 0, lazyGzipBytes: 0 }
  for (const file of files) {
    if (file.name.endsWith('.map')) continue
    const gzip = gzipSync(file.contents, { level: 9 }).length
    if (initial.has(file.name)) {
      size.initialMinBytes += file.contents.length
      size.initialGzipBytes += gzip
    } else {
      size.lazyMinBytes += file.contents.length
      size.lazyGzipBytes += gzip
    }
  }
  return size
}
