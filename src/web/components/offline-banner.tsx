/**
 * The offline banner and the count of changes waiting to sync; a quiet line while the change
 * stream reconnects. `role="status"` so screen readers hear it without losing focus.
 */
import type { ReactNode } from 'react'
import { useSyncState } from '../hooks/airsync.tsx'

/** Offline / syncing banner. */
export function OfflineBanner(): ReactNode {
  const sync = useSyncState()
  const waiting = sync.queueSize
  const changes = `${waiting} change${waiting === 1 ? '' : 's'}`
  if (!sync.online) {
    return (
      <div className="banner offline" role="status" data-testid="offline-banner">
        You are offline.{' '}
        {waiting > 0 ? `${changes} waiting to sync.` : 'Changes you make are kept.'}
      </div>
    )
  }
  if (waiting > 0) {
    return (
      <div className="banner syncing" role="status" data-testid="sync-banner">
        Syncing {changes}…
      </div>
    )
  }
  return null
}
