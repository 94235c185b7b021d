/**
 * `npm run bench [-- FILTER]`: runs every `bench/*.bench.ts` (each exports `benchmarks`) one after
 * another and prints one table. FILTER keeps benchmarks whose name or group contains it.
 */
import { readdir } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import path from 'node:path'
import { formatTable, measure, withRatios, type Benchmark, type BenchResult } from './lib.ts'

const dir = path.dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2]

const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts')).sort()
const results: BenchResult[] = []
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {
    benchmarks?: Benchmark[]
  }
  for (const bench of mod.benchmarks ?? []) {
    const label = `${bench.group ?? ''} ${bench.name}`
    if (filter !== undefined && !label.includes(filter)) continue
    console.error(`bench: ${file} › ${bench.name}`)
    results.push(await measure(bench))
  }
}
console.log(formatTable(withRatios(results)))
// Exit even if a case left work running (the time-boxed airtable.js baseline keeps retrying);
// stdout is synchronous on Linux, so the table is out.
process.exit(0)
