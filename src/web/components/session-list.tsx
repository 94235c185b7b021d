/** A list of sessions (Presence Operations) with the other party, time and status. */
import type { ReactNode } from 'react'
import { Link } from 'wouter'
import { first, type SessionRecord } from '../domain/presence.ts'
import { formatWhen } from './status.tsx'

/** Sessions as cards; `party` says whose name to show. */
export function SessionList(props: {
  sessions: readonly SessionRecord[]
  party: 'host' | 'member'
  empty: string
}): ReactNode {
  if (props.sessions.length === 0) return <p className="muted">{props.empty}</p>
  return (
    <ul className="cards">
      {props.sessions.map((session) => {
        const f = session.fields
        const who = props.party === 'host' ? first(f['Host Name']) : first(f['Member Name'])
        return (
          <li key={session.id} className="card session" data-testid="session">
            <div>
              <strong>{who ?? '—'}</strong>
              <span className="muted"> · {f['Booking Ref']}</span>
            </div>
            <div>{formatWhen(f['Session Date/Time'])}</div>
            <div>
              <span className={`pill status-${(f['Booking Status'] ?? 'none').toLowerCase()}`}>
                {f['Booking Status'] ?? 'No status'}
              </span>
              {f['Member Joined'] === true && <span className="pill">Member joined</span>}
              {f['Host Joined'] === true && <span className="pill">Host joined</span>}
            </div>
            {(f['Booking Status'] === 'Confirmed' || f['Booking Status'] === 'Pending') && (
              <Link href={`/video-session?id=${session.id}`}>Open session</Link>
            )}
          </li>
        )
      })}
    </ul>
  )
}
