/**
 * Request counters for `GET /__emulator/stats`: benchmarks and tests count the Airtable calls a
 * component makes. Control requests are not counted, so reading the stats does not change them.
 */
import type { EndpointKind } from './classify.ts'

/** One counted request. */
export interface StatsEntry {
  endpoint: EndpointKind
  /** `-` when the request names no base. */
  baseId: string
  status: number
}

/** What `GET /__emulator/stats` answers. */
export interface StatsSnapshot {
  total: number
  byEndpoint: Record<string, number>
  byBase: Record<string, number>
  byStatus: Record<string, number>
  /** Every (endpoint, base, status) combination seen, with its count. */
  entries: (StatsEntry & { count: number })[]
  /** Epoch ms of the last reset (or start). */
  sinceMs: number
}

const add = (map: Record<string, number>, key: string, n: number): void => {
  map[key] = (map[key] ?? 0) + n
}

/** Mutable request counters. */
export class RequestStats {
  #entries = new Map<string, StatsEntry & { count: number }>()
  #sinceMs: number

  constructor(nowMs: number) {
    this.#sinceMs = nowMs
  }

  /** Counts one answered request. */
  record(entry: StatsEntry): void {
    const key = `${entry.endpoint}\u0000${entry.baseId}\u0000${entry.status}`
    const found = this.#entries.get(key)
    if (found) found.count += 1
    else this.#entries.set(key, { ...entry, count: 1 })
  }

  /** A copy of the counters, aggregated three ways. */
  snapshot(): StatsSnapshot {
    const byEndpoint: Record<string, number> = {}
    const byBase: Record<string, number> = {}
    const byStatus: Record<string, number> = {}
    let total = 0
    const entries = [...this.#entries.values()].map((e) => ({ ...e }))
    for (const e of entries) {
      total += e.count
      add(byEndpoint, e.endpoint, e.count)
      add(byBase, e.baseId, e.count)
      add(byStatus, String(e.status), e.count)
    }
    return { total, byEndpoint, byBase, byStatus, entries, sinceMs: this.#sinceMs }
  }

  /** Zeroes every counter. */
  reset(nowMs: number): void {
    this.#entries.clear()
    this.#sinceMs = nowMs
  }
}
