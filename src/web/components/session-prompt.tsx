/**
 * Pre- and post-session prompts: before a session the 'Session Reminder 1h' or 'Room Ready'
 * template (room ready once the video room is), after it an invitation to rebook.
 */
import type { ReactNode } from 'react'
import { Link } from 'wouter'
import { first, fillTemplate, pwaTemplate, type SessionRecord } from '../domain/presence.ts'
import { useList } from '../hooks/airsync.tsx'
import { formatWhen } from './status.tsx'

/** The prompt for one session. */
export function SessionPrompt(props: { session: SessionRecord; phase: 'pre' | 'post' }): ReactNode {
  const templates = useList('Templates')
  const fields = props.session.fields
  const host = first(fields['Host Name']) ?? 'your host'
  const values = {
    host,
    date: formatWhen(fields['Session Date/Time']),
    time: formatWhen(fields['Session Date/Time']),
  }
  if (props.phase === 'post') {
    return (
      <aside className="prompt" aria-label="After your session">
        <p>How was your session with {host}?</p>
        <Link href="/host-selection">Book {host} again</Link>
      </aside>
    )
  }
  const name = fields['Video Room Status'] === 'Ready' ? 'Room Ready' : 'Session Reminder 1h'
  const body = pwaTemplate(templates.records, name)?.fields['Message Body']
  return (
    <aside className="prompt" aria-label="Before your session">
      <p>
        {body === undefined
          ? `Your session with ${host} is coming up.`
          : fillTemplate(body, values)}
      </p>
      <Link href={`/video-session?id=${props.session.id}`}>Go to the session</Link>
    </aside>
  )
}
