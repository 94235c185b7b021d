/** Toasts for one queued write, shared by the pages that edit. */
import { toast } from 'sonner'

/**
 * Shows `done` once Airtable has committed the write (which may be after a reconnect), or an
 * error when the write could not even be stored. A refusal by the server is not toasted here:
 * the SDK reports it as a `mutation` event, which SyncToasts shows.
 */
export function toastWhenSettled(
  write: Promise<{ settled: Promise<unknown> }>,
  done: string,
): void {
  write.then(
    (handle) =>
      handle.settled.then(
        () => toast.success(done),
        () => undefined,
      ),
    (error: unknown) =>
      toast.error(error instanceof Error ? error.message : 'Could not save the change'),
  )
}
