/**
 * The API's Prometheus metrics, registered on the registry the server passes in (which also
 * holds the Airtable client's, the limiter's and the mirror's): requests by route and status,
 * and read latency by route. Registering twice on one registry reuses the existing metrics.
 */
import { Counter, Histogram, type Registry } from 'prom-client'

/** Route labels are route patterns (bounded), never raw paths. */
export interface ApiMetrics {
  requests: Counter<'method' | 'route' | 'status'>
  readLatency: Histogram<'route'>
}

const READ_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/** Creates (or finds) the API metrics on `registry`. */
export function createApiMetrics(registry: Registry): ApiMetrics {
  const requests =
    (registry.getSingleMetric('airsync_api_requests_total') as
      Counter<'method' | 'route' | 'status'> | undefined) ??
    new Counter({
      name: 'airsync_api_requests_total',
      help: 'API requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    })
  const readLatency =
    (registry.getSingleMetric('airsync_api_read_duration_seconds') as
      Histogram<'route'> | undefined) ??
    new Histogram({
      name: 'airsync_api_read_duration_seconds',
      help: 'Time to answer a read from the mirror (or Airtable for strong reads), by route',
      labelNames: ['route'] as const,
      buckets: READ_BUCKETS_SECONDS,
      registers: [registry],
    })
  return { requests, readLatency }
}
