/**
 * The measuring helper every `bench/*.bench.ts` uses: warm-up, timed iterations, percentiles and
 * one table. A file exports `benchmarks: Benchmark[]`; benchmarks sharing a `group` are compared
 * side by side (ratio to the group's fastest median).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The measured step of one benchmark, with its own clean-up. */
export interface BenchCase {
  /** One measured operation. */
  step(): Promise<void> | void
  close?(): Promise<void> | void
}

export interface Benchmark {
  name: string
  /** Benchmarks with the same group are compared: ratio = median / fastest median in group. */
  group?: string
  /** Timed iterations. @default 50 */
  iterations?: number
  /** Untimed iterations first (JIT, caches). @default 5 */
  warmup?: number
  /** Builds what the step needs (servers, data); not timed. */
  setup(): Promise<BenchCase> | BenchCase
}

export interface BenchResult {
  name: string
  group?: string
  n: number
  medianMs: number
  p99Ms: number
  minMs: number
  maxMs: number
  /** Median / fastest median of the group; undefined outside groups. */
  ratio?: number
}

/** The q-quantile (0..1) of sorted samples, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil(q * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? Number.NaN
}

/** Summarises samples (ms). */
export function summarise(name: string, samples: readonly number[]): BenchResult {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    name,
    n: sorted.length,
    medianMs: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  }
}

/** Runs one benchmark: setup, warm-up, timed iterations, close. */
export async function measure(bench: Benchmark): Promise<BenchResult> {
  const benchCase = await bench.setup()
  try {
    for (let i = 0; i < (bench.warmup ?? 5); i++) await benchCase.step()
    const samples: number[] = []
    for (let i = 0; i < (bench.iterations ?? 50); i++) {
      const start = performance.now()
      await benchCase.step()
      samples.push(performance.now() - start)
    }
    const result = summarise(bench.name, samples)
    return bench.group === undefined ? result : { ...result, group: bench.group }
  } finally {
    await benchCase.close?.()
  }
}

/** Fills in `ratio` for grouped results. */
export function withRatios(results: readonly BenchResult[]): BenchResult[] {
  const fastest = new Map<string, number>()
  for (const r of results) {
    if (r.group === undefined) continue
    fastest.set(r.group, Math.min(fastest.get(r.group) ?? Infinity, r.medianMs))
  }
  return results.map((r) => {
    const best = r.group === undefined ? undefined : fastest.get(r.group)
    return best === undefined || best === 0 ? r : { ...r, ratio: r.medianMs / best }
  })
}

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2))

/** One text table: name, n, median, p99, ratio. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = [
    ['benchmark', 'n', 'median ms', 'p99 ms', 'ratio'],
    ...results.map((r) => [
      r.group === undefined ? r.name : `${r.group} › ${r.name}`,
      String(r.n),
      ms(r.medianMs),
      ms(r.p99Ms),
      r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    ]),
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)))
  const line = (row: string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')
  return [
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n')
}

/** Options of {@link spawnAirsync}. */
export interface SpawnOptions {
  env?: NodeJS.ProcessEnv
  /** Flags for node itself (e.g. `--cpu-prof`). */
  nodeFlags?: readonly string[]
}

/**
 * Spawns `bin/airsync ARGS` (`emulator`, `serve`, …) as its own process and resolves with the URL
 * of its `ready <url>` line; rejects if it exits first.
 */
export function spawnAirsync(
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(options.nodeFlags ?? []), path.join(ROOT, 'bin/airsync'), ...args],
      { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      const match = /^ready (\S+)/m.exec(out)
      if (match?.[1] !== undefined) resolve({ url: match[1], child })
    })
    child.on('error', reject)
    child.on('exit', (code, signal) =>
      reject(new Error(`airsync ${args[0]} exited (${code ?? signal}) before ready:\n${out}`)),
    )
  })
}
