/** /host-dashboard: the host's sessions; rebook rate, completed sessions, likes. */
import type { ReactNode } from 'react'
import { NotificationBanner } from '../components/notification-banner.tsx'
import { SessionList } from '../components/session-list.tsx'
import { ListState } from '../components/status.tsx'
import { hostStats, splitSessions } from '../domain/presence.ts'
import { useList } from '../hooks/airsync.tsx'
import { useSession } from '../hooks/session.tsx'

/** The host's home page. */
export function HostDashboard(): ReactNode {
  const { session } = useSession()
  const hosts = useList('Hosts Registry')
  const sessions = useList('Presence Operations')
  const me = hosts.records.find((h) => h.fields.Email === session.email) ?? hosts.records[0]
  const nowMs = Date.now()
  const stats = hostStats({ host: me, sessions: sessions.records, nowMs })
  const split = splitSessions(sessions.records, nowMs)
  const name = me?.fields['Full Name'] ?? ''
  return (
    <>
      <h1>Hello{name === '' ? '' : `, ${name.split(' ')[0]}`}</h1>
      <NotificationBanner template="Verification Approved" values={{}} />
      <ListState list={hosts} what="your host profile">
        <section className="stats" aria-label="Your numbers">
          <div className="stat">
            <span className="value" data-testid="rebook-rate">
              {stats.rebookRate === undefined ? '—' : `${Math.round(stats.rebookRate * 100)}%`}
            </span>
            <span className="label">Rebook rate</span>
          </div>
          <div className="stat">
            <span className="value" data-testid="completed">
              {stats.completedSessions}
            </span>
            <span className="label">Completed sessions</span>
          </div>
          <div className="stat">
            <span className="value">{stats.upcomingSessions}</span>
            <span className="label">Upcoming</span>
          </div>
          <div className="stat">
            <span className="value" data-testid="likes">
              {stats.likes}
            </span>
            <span className="label">Likes</span>
          </div>
        </section>
      </ListState>
      <ListState list={sessions} what="your sessions">
        <section aria-labelledby="upcoming">
          <h2 id="upcoming">Upcoming sessions</h2>
          <SessionList sessions={split.upcoming} party="member" empty="No upcoming sessions." />
        </section>
        <section aria-labelledby="completed">
          <h2 id="completed">Completed sessions</h2>
          <SessionList
            sessions={split.completed}
            party="member"
            empty="No completed sessions yet."
          />
        </section>
      </ListState>
    </>
  )
}
