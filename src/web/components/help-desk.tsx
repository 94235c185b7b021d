/** The help desk: active Help Desk Prompts by category, each topic opening its answer. */
import { useState, type ReactNode } from 'react'
import { groupHelp } from '../domain/presence.ts'
import { useList } from '../hooks/airsync.tsx'
import { ListState } from './status.tsx'

/** Category tabs and topic disclosures (native `<details>`: keyboard-usable as is). */
export function HelpDesk(props: { compact?: boolean }): ReactNode {
  const prompts = useList('Help Desk Prompts')
  const groups = groupHelp(prompts.records)
  const [category, setCategory] = useState<string | undefined>(undefined)
  const [query, setQuery] = useState('')
  const current = category ?? groups[0]?.[0]
  const topics = (groups.find(([name]) => name === current)?.[1] ?? []).filter((p) =>
    (p.fields.Topic ?? '').toLowerCase().includes(query.toLowerCase()),
  )
  return (
    <section className="help-desk" aria-label="Help desk">
      <ListState list={prompts} what="help topics">
        <label className="field">
          <span>Search topics</span>
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <div className="tabs" role="tablist" aria-label="Help categories">
          {groups.map(([name, list]) => (
            <button
              key={name}
              role="tab"
              type="button"
              aria-selected={name === current}
              onClick={() => setCategory(name)}
            >
              {name} <span className="count">{list.length}</span>
            </button>
          ))}
        </div>
        <div role="tabpanel" aria-label={current}>
          {topics.slice(0, props.compact === true ? 3 : undefined).map((prompt) => (
            <details key={prompt.id} className="topic">
              <summary>{prompt.fields.Topic}</summary>
              <p>{prompt.fields['Default Response']}</p>
            </details>
          ))}
          {topics.length === 0 && <p className="muted">No topics match.</p>}
        </div>
      </ListState>
    </section>
  )
}
