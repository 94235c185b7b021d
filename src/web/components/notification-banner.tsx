/** A notification banner from an active PWA template (Templates), placeholders filled in. */
import type { ReactNode } from 'react'
import { fillTemplate, pwaTemplate } from '../domain/presence.ts'
import { useList } from '../hooks/airsync.tsx'

/** Props of {@link NotificationBanner}. */
export interface NotificationBannerProps {
  template: string
  values: Readonly<Record<string, string>>
  tone?: 'info' | 'success'
}

/** Renders the template's message, or nothing when the template is missing or inactive. */
export function NotificationBanner(props: NotificationBannerProps): ReactNode {
  const templates = useList('Templates')
  const found = pwaTemplate(templates.records, props.template)
  const body = found?.fields['Message Body']
  if (body === undefined) return null
  return (
    <div className={`banner ${props.tone ?? 'info'}`} role="status" data-testid="notification">
      {fillTemplate(body, props.values)}
    </div>
  )
}
