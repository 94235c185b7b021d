/**
 * Builds the Presence PWA (vite.config.ts: src/web → dist/web) for `airsync start`, and tells
 * whether a build is stale. Vite is loaded only when a build runs: `airsync serve` in production
 * serves a prebuilt dist/web and never needs it.
 *
 * Stale means: no `index.html` in the output, or any file the bundle is made of (src/web and the
 * modules it imports: client, protocol, formula, shared; vite.config.ts) changed after it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root (where vite.config.ts is). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** What the web bundle is built from, relative to the package root. */
const WEB_SOURCES = [
  'src/web',
  'src/client',
  'src/protocol',
  'src/formula',
  'src/shared',
  'vite.config.ts',
]

/** The newest modification time under `path` (a file or a folder), in ms; 0 when missing. */
function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  let newest = stats.mtimeMs
  for (const entry of readdirSync(path)) {
    newest = Math.max(newest, newestMtimeMs(join(path, entry)))
  }
  return newest
}

/** Whether `outDir` lacks a build or is older than the sources. */
export function isWebBuildStale(outDir: string): boolean {
  const index = join(outDir, 'index.html')
  if (!existsSync(index)) return true
  const builtAt = statSync(index).mtimeMs
  return WEB_SOURCES.some((source) => newestMtimeMs(join(PACKAGE_ROOT, source)) > builtAt)
}

/** Options of {@link buildWeb}. */
export interface BuildWebOptions {
  /** Where the bundle goes. @default vite.config.ts's (dist/web) */
  outDir?: string
  /** Vite's log level. @default 'warn' */
  logLevel?: 'info' | 'warn' | 'error' | 'silent'
}

/** Runs `vite build` with the package's vite.config.ts. */
export async function buildWeb(options: BuildWebOptions = {}): Promise<void> {
  const { build } = await import('vite')
  // Vite bundles React's development build when NODE_ENV says so (vitest sets it to 'test').
  const nodeEnv = process.env['NODE_ENV']
  process.env['NODE_ENV'] = 'production'
  try {
    await build({
      mode: 'production',
      configFile: join(PACKAGE_ROOT, 'vite.config.ts'),
      logLevel: options.logLevel ?? 'warn',
      ...(options.outDir !== undefined && { build: { outDir: options.outDir, emptyOutDir: true } }),
    })
  } finally {
    if (nodeEnv === undefined) delete process.env['NODE_ENV']
    else process.env['NODE_ENV'] = nodeEnv
  }
}
