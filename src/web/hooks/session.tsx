/** The signed-in user for the pages, and the member's own record. */
import { createContext, useContext, type ReactNode } from 'react'
import type { MemberRecord } from '../domain/presence.ts'
import { useList } from './airsync.tsx'
import type { AuthSession } from './auth.ts'
import type { ListSnapshot } from './types.ts'

const SessionContext = createContext<{ session: AuthSession; signOut: () => void } | undefined>(
  undefined,
)

/** Provides the session to the pages. */
export function SessionProvider(props: {
  session: AuthSession
  signOut: () => void
  children: ReactNode
}): ReactNode {
  return (
    <SessionContext.Provider value={{ session: props.session, signOut: props.signOut }}>
      {props.children}
    </SessionContext.Provider>
  )
}

/** The signed-in user. */
export function useSession(): { session: AuthSession; signOut: () => void } {
  const value = useContext(SessionContext)
  if (value === undefined) throw new Error('useSession outside SessionProvider')
  return value
}

/**
 * The member's own Members Registry row: their policy admits only that row, so the list is it.
 * An admin sees every member; the row with their email is theirs.
 */
export function useMyMember(): {
  list: ListSnapshot<MemberRecord['fields']>
  me: MemberRecord | undefined
} {
  const { session } = useSession()
  const list = useList('Members Registry')
  const me =
    list.records.find((r) => r.fields.Email === session.email) ??
    (session.role === 'member' ? list.records[0] : undefined)
  return { list, me }
}
