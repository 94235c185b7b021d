/** Toasts (sonner) for sync events: refused writes, going offline and back, live changes. */
import { useCallback, type ReactNode } from 'react'
import { toast } from 'sonner'
import { useSdkEvents } from '../hooks/airsync.tsx'
import type { SdkEvent } from '../hooks/types.ts'

/** Subscribes to SDK events and shows toasts; renders nothing. */
export function SyncToasts(): ReactNode {
  const onEvent = useCallback((event: SdkEvent) => {
    switch (event.type) {
      case 'mutation':
        if (event.outcome === 'failed') {
          toast.error(event.error?.userMessage ?? 'A change could not be saved.')
        } else if (event.outcome === 'conflict') {
          toast.warning('Someone else changed this at the same time; the team will review it.')
        }
        return
      case 'offline':
        // The offline banner says it and stays; a toast too would only cover the page's buttons.
        return
      case 'online':
        toast.success('Back online.')
        return
      case 'reset':
        toast.info('Refreshing data…')
        return
      case 'change':
      case 'queue':
      case 'stream':
        return
    }
  }, [])
  useSdkEvents(onEvent)
  return null
}
