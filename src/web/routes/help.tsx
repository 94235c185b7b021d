/** /help: Help Desk Prompts by category and topic. */
import type { ReactNode } from 'react'
import { HelpDesk } from '../components/help-desk.tsx'

/** The help page. */
export function Help(): ReactNode {
  return (
    <>
      <h1>Help</h1>
      <HelpDesk />
    </>
  )
}
