/**
 * The demo sign-in (development): pick the seeded member, host or admin; the server issues the
 * token (`POST /v1/dev/sign-in`). In production the host app provides tokens instead
 * (hooks/auth.ts) and this page is never shown.
 */
import { useState, type ReactNode } from 'react'
import { API_URL } from '../hooks/airsync.tsx'
import { signInDemo, type AppRole, type AuthSession } from '../hooks/auth.ts'

const DEMOS: ReadonlyArray<readonly [AppRole, string, string]> = [
  ['member', 'Demo member', 'Books sessions, edits a profile, likes hosts'],
  ['host', 'Demo host', 'Sees their sessions, rebook rate and likes'],
  ['admin', 'Operations (admin)', 'Sync status, outbox, conflicts, audit log'],
]

/** The sign-in page. */
export function SignIn(props: { onSignedIn: (session: AuthSession) => void }): ReactNode {
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const signIn = (role: AppRole): void => {
    setBusy(true)
    setError(undefined)
    signInDemo(API_URL, role).then(props.onSignedIn, (e: unknown) => {
      setBusy(false)
      setError(e instanceof Error ? e.message : String(e))
    })
  }
  return (
    <main id="main" className="sign-in">
      <h1>Presence</h1>
      <p>Development sign-in: choose a demo account.</p>
      <div className="cards">
        {DEMOS.map(([role, title, blurb]) => (
          <button
            key={role}
            type="button"
            className="card choice"
            disabled={busy}
            onClick={() => signIn(role)}
          >
            <strong>{title}</strong>
            <span className="muted">{blurb}</span>
          </button>
        ))}
      </div>
      {error !== undefined && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </main>
  )
}
