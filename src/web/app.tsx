/**
 * The app: sign-in (the host app's token, or the demo sign-in in development), then the pages of
 * the user's role. Routes are the paths of issue 7; `/` goes to the role's dashboard.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react'
import { Redirect, Route, Switch } from 'wouter'
import { Layout, NAV } from './components/layout.tsx'
import { ClientProvider } from './hooks/airsync.tsx'
import {
  hostAppSession,
  signOut as forgetDevSession,
  storedDevSession,
  type AuthSession,
} from './hooks/auth.ts'
import { SessionProvider } from './hooks/session.tsx'
import { Admin } from './routes/admin.tsx'
import { Help } from './routes/help.tsx'
import { HostDashboard } from './routes/host-dashboard.tsx'
import { HostSelection } from './routes/host-selection.tsx'
import { MemberDashboard } from './routes/member-dashboard.tsx'
import { MemberPreferences } from './routes/member-preferences.tsx'
import { MemberProfile } from './routes/member-profile.tsx'
import { SignIn } from './routes/sign-in.tsx'
import { VideoSession } from './routes/video-session.tsx'

function Pages(props: { session: AuthSession }): ReactNode {
  const home = NAV[props.session.role][0]?.[0] ?? '/help'
  return (
    <Switch>
      <Route path="/member-dashboard" component={MemberDashboard} />
      <Route path="/member-profile" component={MemberProfile} />
      <Route path="/member-preferences" component={MemberPreferences} />
      <Route path="/host-selection" component={HostSelection} />
      <Route path="/host-dashboard" component={HostDashboard} />
      <Route path="/video-session" component={VideoSession} />
      <Route path="/help" component={Help} />
      <Route path="/admin" component={Admin} />
      <Route>
        <Redirect to={home} replace />
      </Route>
    </Switch>
  )
}

/** The root component. */
export function App(): ReactNode {
  const [session, setSession] = useState<AuthSession | undefined | 'pending'>('pending')
  useEffect(() => {
    hostAppSession().then(
      (fromHost) => setSession(fromHost ?? storedDevSession()),
      () => setSession(storedDevSession()),
    )
  }, [])
  const signOut = useCallback(() => {
    forgetDevSession()
    setSession(undefined)
  }, [])
  if (session === 'pending') return null
  if (session === undefined) return <SignIn onSignedIn={setSession} />
  return (
    <SessionProvider session={session} signOut={signOut}>
      <ClientProvider session={session}>
        <Layout>
          <Pages session={session} />
        </Layout>
      </ClientProvider>
    </SessionProvider>
  )
}
