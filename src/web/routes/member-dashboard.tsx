/** /member-dashboard: upcoming and completed sessions, profile summary, notification banners. */
import type { ReactNode } from 'react'
import { Link } from 'wouter'
import { LikeNotification } from '../components/like-notification.tsx'
import { NotificationBanner } from '../components/notification-banner.tsx'
import { SessionList } from '../components/session-list.tsx'
import { SessionPrompt } from '../components/session-prompt.tsx'
import { formatWhen, ListState } from '../components/status.tsx'
import { first, splitSessions } from '../domain/presence.ts'
import { useList } from '../hooks/airsync.tsx'
import { useMyMember } from '../hooks/session.tsx'

/** The member's home page. */
export function MemberDashboard(): ReactNode {
  const { list, me } = useMyMember()
  const sessions = useList('Presence Operations')
  const split = splitSessions(sessions.records, Date.now())
  const next = split.upcoming[0]
  const last = split.completed[0]
  const name = me?.fields['Full Name'] ?? ''
  return (
    <>
      <h1>Hello{name === '' ? '' : `, ${name.split(' ')[0]}`}</h1>
      <LikeNotification />
      {next === undefined ? (
        <NotificationBanner template="Member Welcome" values={{ member: name }} />
      ) : (
        <NotificationBanner
          template="Booking Confirmed"
          values={{
            host: first(next.fields['Host Name']) ?? 'your host',
            date: formatWhen(next.fields['Session Date/Time']),
          }}
        />
      )}
      <ListState list={list} what="your profile">
        <section className="card profile-summary" aria-label="Profile summary">
          <h2>{name}</h2>
          <p className="muted">
            {me?.fields['Member Type'] ?? 'Member'} · {me?.fields.Country ?? '—'} ·{' '}
            {me?.fields['Verification Status'] ?? 'Unverified'}
          </p>
          <p>
            Prefers {(me?.fields['Preferred Host Languages'] ?? []).join(', ') || 'any language'},{' '}
            {me?.fields['Preferred Session Length'] ?? 'any length'} sessions.
          </p>
          <Link href="/member-profile">Edit profile</Link>
        </section>
      </ListState>
      {next !== undefined && <SessionPrompt session={next} phase="pre" />}
      {last !== undefined && <SessionPrompt session={last} phase="post" />}
      <ListState list={sessions} what="your sessions">
        <section aria-labelledby="upcoming">
          <h2 id="upcoming">Upcoming sessions ({split.upcoming.length})</h2>
          <SessionList sessions={split.upcoming} party="host" empty="No upcoming sessions." />
        </section>
        <section aria-labelledby="completed">
          <h2 id="completed">Completed sessions ({split.completed.length})</h2>
          <SessionList sessions={split.completed} party="host" empty="No completed sessions yet." />
        </section>
      </ListState>
    </>
  )
}
