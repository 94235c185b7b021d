/** Loading and error states of a list, shown the same way on every page. */
import type { ReactNode } from 'react'
import type { ListSnapshot } from '../hooks/types.ts'

/** Renders `children` once the list has loaded; a spinner line or the error before that. */
export function ListState<T>(props: {
  list: ListSnapshot<T>
  what: string
  children: ReactNode
}): ReactNode {
  if (props.list.status === 'loading') {
    return (
      <p className="muted" role="status">
        Loading {props.what}…
      </p>
    )
  }
  if (props.list.status === 'error') {
    return (
      <p className="error" role="alert">
        Could not load {props.what}: {props.list.error?.userMessage ?? 'unknown error'}
      </p>
    )
  }
  return props.children
}

/** A date-time cell as the user's locale shows it. */
export function formatWhen(iso: string | undefined): string {
  if (iso === undefined) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
