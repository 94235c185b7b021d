/**
 * `pullBase`: one full sync outside a running server (`airsync pull`): opens the store, syncs the
 * base through a fresh limiter, closes the store.
 */
import { createAirtableClient } from '../airtable/index.ts'
import { runFullSync, type FullSyncResult, type ProgressListener } from '../ingest/index.ts'
import { openStore } from '../store/index.ts'
import type { ServerConfig } from './config.ts'
import { createConfiguredLimiter } from './rate-limiter.ts'

/** What a pull needs of the configuration. */
export type PullConfig = Pick<
  ServerConfig,
  | 'airtableApiUrl'
  | 'airtableAccessToken'
  | 'baseId'
  | 'databaseUrl'
  | 'dataDir'
  | 'airtableRatePerSecond'
  | 'airtableRateWindowMs'
>

/** Options of {@link pullBase}. */
export interface PullOptions extends PullConfig {
  signal?: AbortSignal
  onProgress?: ProgressListener
}

/** Runs one full sync; rejects with `FullSyncError` when some tables failed. */
export async function pullBase(options: PullOptions): Promise<FullSyncResult> {
  const db = await openStore({
    ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
    dataDir: options.dataDir,
  })
  try {
    const airtable = createAirtableClient({
      token: options.airtableAccessToken,
      apiUrl: options.airtableApiUrl,
      limiter: createConfiguredLimiter(options),
    })
    return await runFullSync({
      db,
      airtable,
      baseId: options.baseId,
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
    })
  } finally {
    await db.close()
  }
}
