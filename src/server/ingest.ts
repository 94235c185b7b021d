/**
 * The server's side of real-time ingestion: the ingest service's options from the configuration
 * (the ping URL from `publicUrl`) and its events as log lines.
 */
import type { Logger } from 'pino'
import type { IngestEvent, IngestServiceOptions } from '../ingest/index.ts'
import type { ServerConfig } from './config.ts'

/** Where the API serves Airtable's pings. */
export const WEBHOOK_PING_PATH = 'v1/webhooks/airtable'

/** How changes reach the mirror: pings, polling, or not at all. */
export type IngestMode = 'webhook' | 'poll' | 'off'

/** The ping URL for a public URL (which may carry a path prefix). */
export function notificationUrlOf(publicUrl: string): string {
  return new URL(WEBHOOK_PING_PATH, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).href
}

/** The configuration's ingest settings, as the ingest service takes them, and the mode. */
export function ingestOptions(
  config: Pick<
    ServerConfig,
    | 'baseId'
    | 'ingest'
    | 'publicUrl'
    | 'pollIntervalMs'
    | 'reconcileIntervalMs'
    | 'webhookRefreshMarginMs'
  >,
): Pick<
  IngestServiceOptions,
  'baseId' | 'notificationUrl' | 'pollIntervalMs' | 'reconcileIntervalMs' | 'webhookRefreshMarginMs'
> & { mode: IngestMode } {
  const notificationUrl =
    config.publicUrl === undefined ? undefined : notificationUrlOf(config.publicUrl)
  return {
    baseId: config.baseId,
    notificationUrl,
    pollIntervalMs: config.pollIntervalMs,
    reconcileIntervalMs: config.reconcileIntervalMs,
    webhookRefreshMarginMs: config.webhookRefreshMarginMs,
    mode: config.ingest === 'off' ? 'off' : notificationUrl === undefined ? 'poll' : 'webhook',
  }
}

/** Logs an ingest event at a level that matches its weight. */
export function logIngestEvent(logger: Logger, event: IngestEvent): void {
  switch (event.type) {
    case 'webhook':
      logger.info(event, event.created === undefined ? 'webhook refreshed' : 'webhook created')
      return
    case 'ingested':
      logger.debug(event, 'payloads ingested')
      return
    case 'recovery':
      logger.warn(event, 'ingestion recovering')
      return
    case 'resynced':
      logger.info(event, 'resync done')
      return
    case 'reconciled':
      logger.debug(event, 'reconciled')
      return
    case 'error':
      logger.error({ err: event.error, during: event.during }, 'ingestion failed; retrying')
      return
  }
}
