/** "A host liked you": the member's likes in the Host → Member direction, newest first. */
import type { ReactNode } from 'react'
import { fillTemplate, pwaTemplate } from '../domain/presence.ts'
import { useList } from '../hooks/airsync.tsx'

/** Shows the newest host-to-member like with the 'New Like' template. */
export function LikeNotification(): ReactNode {
  const likes = useList('Likes')
  const hosts = useList('Hosts Registry', { view: 'Active Hosts' })
  const templates = useList('Templates')
  const fromHosts = likes.records
    .filter((like) => like.fields.Direction === 'Host → Member')
    .sort((a, b) => (b.fields.Created ?? '').localeCompare(a.fields.Created ?? ''))
  const latest = fromHosts[0]
  if (latest === undefined) return null
  const hostId = latest.fields.Host?.[0]
  const name = hosts.records.find((h) => h.id === hostId)?.fields['Full Name'] ?? 'A host'
  const body = pwaTemplate(templates.records, 'New Like')?.fields['Message Body']
  return (
    <div className="banner like" role="status" data-testid="like-notification">
      <span aria-hidden="true">♥ </span>
      {body === undefined ? `${name} liked you` : fillTemplate(body, { name })}
      {fromHosts.length > 1 ? ` (+${fromHosts.length - 1} more)` : ''}
    </div>
  )
}
