/**
 * /video-session: the session named by `?id=` (else the next upcoming one). Join sets the
 * caller's joined flag (Member Joined / Host Joined); a member completes the session (Booking
 * Status → Completed). The room itself is the session's Video Room URL.
 */
import type { ReactNode } from 'react'
import { useSearch } from 'wouter'
import { SessionPrompt } from '../components/session-prompt.tsx'
import { formatWhen, ListState } from '../components/status.tsx'
import { first, splitSessions } from '../domain/presence.ts'
import { useClient, useList } from '../hooks/airsync.tsx'
import { useSession } from '../hooks/session.tsx'
import { toastWhenSettled } from '../hooks/write-toast.ts'

/** The video session page. */
export function VideoSession(): ReactNode {
  const { session: user } = useSession()
  const sessions = useList('Presence Operations')
  const client = useClient()
  const id = new URLSearchParams(useSearch()).get('id')
  const split = splitSessions(sessions.records, Date.now())
  const session =
    (id === null ? undefined : sessions.records.find((s) => s.id === id)) ?? split.upcoming[0]
  const isHost = user.role === 'host'
  const write = (fields: Record<string, unknown>, done: string): void => {
    if (session === undefined) return
    toastWhenSettled(client.updateRecord('Presence Operations', session.id, fields), done)
  }
  const f = session?.fields
  const joined = isHost ? f?.['Host Joined'] === true : f?.['Member Joined'] === true
  const completed = f?.['Booking Status'] === 'Completed'
  return (
    <>
      <h1>Video session</h1>
      <ListState list={sessions} what="your sessions">
        {session === undefined || f === undefined ? (
          <p>No upcoming session.</p>
        ) : (
          <section className="card video" aria-label="Session">
            <h2>
              {isHost ? first(f['Member Name']) : first(f['Host Name'])}{' '}
              <span className="muted">· {f['Booking Ref']}</span>
            </h2>
            <p>{formatWhen(f['Session Date/Time'])}</p>
            <p>
              Status: <strong data-testid="booking-status">{f['Booking Status'] ?? '—'}</strong> ·
              Room: {f['Video Room Status'] ?? '—'}
            </p>
            {!completed && <SessionPrompt session={session} phase="pre" />}
            <div className="video-frame" aria-hidden={!joined}>
              {joined ? 'You are in the room' : 'Not joined yet'}
            </div>
            <div className="actions">
              <button
                type="button"
                disabled={joined}
                onClick={() =>
                  write(isHost ? { 'Host Joined': true } : { 'Member Joined': true }, 'Joined')
                }
              >
                {joined ? 'Joined' : 'Join'}
              </button>
              {!isHost && (
                <button
                  type="button"
                  className="secondary"
                  disabled={completed}
                  onClick={() => write({ 'Booking Status': 'Completed' }, 'Session completed')}
                >
                  {completed ? 'Completed' : 'Complete session'}
                </button>
              )}
              {f['Video Room URL'] !== undefined && (
                <a href={f['Video Room URL']} target="_blank" rel="noreferrer">
                  Open the room
                </a>
              )}
            </div>
            {completed && <SessionPrompt session={session} phase="post" />}
          </section>
        )}
      </ListState>
    </>
  )
}
