/**
 * Prometheus metrics of the sync side: Airtable requests (fed by the client's `onRequest` hook),
 * limiter waits and queues, mirror size, full syncs. One Registry per server (not prom-client's
 * global), which the API's `/metrics` route serves and may add its own metrics to (read latency).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { EventHubStats } from '../api/index.ts'
import type { RateLimiter, RequestEvent } from '../airtable/index.ts'
import { PRIORITIES } from '../airtable/index.ts'
import type { TableSyncResult } from '../ingest/index.ts'
import { countRecords, type Db } from '../store/index.ts'

/** The server's sync metrics and the registry holding them. */
export interface SyncMetrics {
  readonly registry: Registry
  /** Give to `createAirtableClient({ onRequest })`. */
  onRequest(event: RequestEvent): void
  /** Records a finished table sync. */
  onTableSynced(result: TableSyncResult): void
  /** Sets the readiness gauge. */
  setReady(ready: boolean): void
}

/** Options of {@link createSyncMetrics}. */
export interface SyncMetricsOptions {
  db: Db
  baseId: string
  limiter: RateLimiter
  /** Table names by ID for labels; looked up when scraped. */
  tableName?: (tableId: string) => string | undefined
}

/** Creates the registry and metrics. Gauges read the store and limiter when scraped. */
export function createSyncMetrics(options: SyncMetricsOptions): SyncMetrics {
  const { db, baseId, limiter } = options
  const registry = new Registry()
  const requests = new Counter({
    name: 'airsync_airtable_requests_total',
    help: 'Requests sent to Airtable, by endpoint and HTTP status (0: no response).',
    labelNames: ['endpoint', 'status'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'airsync_airtable_request_duration_seconds',
    help: 'Airtable request time, from slot granted to body read.',
    labelNames: ['endpoint'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  const waits = new Histogram({
    name: 'airsync_limiter_wait_seconds',
    help: 'Time a request waited for a rate-limiter slot.',
    buckets: [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  })
  new Gauge({
    name: 'airsync_limiter_queued',
    help: 'Requests waiting for a rate-limiter slot, by priority.',
    labelNames: ['priority'] as const,
    registers: [registry],
    collect() {
      const stats = limiter.stats()
      for (const priority of PRIORITIES) this.set({ priority }, stats.queued[priority])
    },
  })
  new Gauge({
    name: 'airsync_limiter_pauses',
    help: '429 penalties applied by the limiter since start.',
    registers: [registry],
    collect() {
      this.set(limiter.stats().pauses)
    },
  })
  new Gauge({
    name: 'airsync_limiter_widened_window_seconds',
    help: "A base's sliding window while 429s keep it wider than configured.",
    labelNames: ['base_id'] as const,
    registers: [registry],
    collect() {
      this.reset()
      for (const [baseId, ms] of Object.entries(limiter.stats().widenedWindowMs)) {
        this.set({ base_id: baseId }, ms / 1000)
      }
    },
  })
  new Gauge({
    name: 'airsync_mirror_records',
    help: 'Records in the mirror, by table.',
    labelNames: ['table_id', 'table'] as const,
    registers: [registry],
    async collect() {
      this.reset()
      for (const [tableId, n] of await countRecords(db, baseId)) {
        this.set({ table_id: tableId, table: options.tableName?.(tableId) ?? tableId }, n)
      }
    },
  })
  const syncSeconds = new Gauge({
    name: 'airsync_full_sync_duration_seconds',
    help: "Duration of each table's last full sync.",
    labelNames: ['table_id', 'table'] as const,
    registers: [registry],
  })
  const syncRecords = new Counter({
    name: 'airsync_full_sync_records_total',
    help: 'Records fetched by full syncs.',
    labelNames: ['table_id', 'table'] as const,
    registers: [registry],
  })
  const ready = new Gauge({
    name: 'airsync_ready',
    help: '1 once the first full sync is done.',
    registers: [registry],
  })
  ready.set(0)

  return {
    registry,
    onRequest(event) {
      requests.inc({ endpoint: event.endpoint, status: String(event.status) })
      duration.observe({ endpoint: event.endpoint }, event.durationMs / 1000)
      waits.observe(event.queuedMs / 1000)
    },
    onTableSynced(result) {
      const labels = { table_id: result.tableId, table: result.tableName }
      syncSeconds.set(labels, result.durationMs / 1000)
      syncRecords.inc(labels, result.records)
    },
    setReady(value) {
      ready.set(value ? 1 : 0)
    },
  }
}

/**
 * The change stream's metrics (`GET /v1/events`), read from the hub's counters when scraped:
 * open streams, events sent, streams dropped as too slow.
 */
export function registerEventMetrics(registry: Registry, stats: () => EventHubStats): void {
  new Gauge({
    name: 'airsync_event_streams_open',
    help: 'Open GET /v1/events streams.',
    registers: [registry],
    collect() {
      this.set(stats().streams)
    },
  })
  counterFrom(registry, {
    name: 'airsync_events_sent_total',
    help: 'Change events sent on GET /v1/events streams (heartbeats not counted).',
    read: () => stats().eventsSent,
  })
  counterFrom(registry, {
    name: 'airsync_event_streams_dropped_total',
    help: 'Event streams closed because the client read too slowly (it resumes with Last-Event-ID).',
    read: () => stats().overflows,
  })
}

/** A counter that mirrors a monotonic total kept elsewhere. */
function counterFrom(
  registry: Registry,
  options: { name: string; help: string; read: () => number },
): void {
  let seen = 0
  new Counter({
    name: options.name,
    help: options.help,
    registers: [registry],
    collect() {
      const total = options.read()
      if (total > seen) this.inc(total - seen)
      seen = Math.max(seen, total)
    },
  })
}
