/**
 * The app frame: a header with the pages of the signed-in role, the banners (offline, sync) and
 * the toaster. Mobile-first: the nav wraps; a skip link leads keyboard users to the content.
 */
import type { ReactNode } from 'react'
import { Toaster } from 'sonner'
import { Link, useLocation } from 'wouter'
import type { AppRole } from '../hooks/auth.ts'
import { useSession } from '../hooks/session.tsx'
import { OfflineBanner } from './offline-banner.tsx'
import { SyncToasts } from './sync-toasts.tsx'

/** The pages of each role, in nav order. */
export const NAV: Readonly<Record<AppRole, ReadonlyArray<readonly [string, string]>>> = {
  member: [
    ['/member-dashboard', 'Dashboard'],
    ['/host-selection', 'Find a host'],
    ['/video-session', 'Session'],
    ['/member-profile', 'Profile'],
    ['/member-preferences', 'Preferences'],
    ['/help', 'Help'],
  ],
  host: [
    ['/host-dashboard', 'Dashboard'],
    ['/video-session', 'Session'],
    ['/help', 'Help'],
  ],
  admin: [
    ['/admin', 'Admin'],
    ['/help', 'Help'],
  ],
}

/** The frame around every signed-in page. */
export function Layout(props: { children: ReactNode }): ReactNode {
  const { session, signOut } = useSession()
  const [location] = useLocation()
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Presence</span>
        <nav aria-label="Pages">
          {NAV[session.role].map(([href, label]) => (
            <Link key={href} href={href} aria-current={location === href ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <span className="who" title={session.email}>
          {session.email} · {session.role}
        </span>
        {session.source === 'dev' && (
          <button type="button" className="link" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <OfflineBanner />
      <SyncToasts />
      <main id="main">{props.children}</main>
      <Toaster position="bottom-center" richColors closeButton />
    </>
  )
}
