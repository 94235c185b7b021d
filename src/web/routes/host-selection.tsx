/**
 * /host-selection: active hosts ranked for this member by the matching function
 * (domain/matching.ts) with its reasons; filters by language, tags and availability; like a
 * host. The list is live: an edit in Airtable re-ranks it without a reload.
 */
import { useState, type ReactNode } from 'react'
import { Chips } from '../components/chips.tsx'
import { ListState } from '../components/status.tsx'
import { passesFilters, rankHosts, type HostFilters } from '../domain/matching.ts'
import { toMatchHost, toMatchPreferences } from '../domain/presence.ts'
import { DAY_PARTS, LANGUAGES, PERSONALITY_TAGS } from '../domain/vocabulary.ts'
import { useClient, useList } from '../hooks/airsync.tsx'
import { useMyMember } from '../hooks/session.tsx'
import { toastWhenSettled } from '../hooks/write-toast.ts'

const NO_FILTERS: HostFilters = { languages: [], tags: [], dayParts: [] }

/** The host selection page. */
export function HostSelection(): ReactNode {
  const { me } = useMyMember()
  const hosts = useList('Hosts Registry', { view: 'Active Hosts' })
  const likes = useList('Likes')
  const client = useClient()
  const [filters, setFilters] = useState<HostFilters>(NO_FILTERS)
  const liked = new Set(
    likes.records
      .filter((l) => l.fields.Direction === 'Member → Host')
      .flatMap((l) => l.fields.Host ?? []),
  )
  const candidates = hosts.records.map(toMatchHost).filter((h) => passesFilters(h, filters))
  const ranked = rankHosts(toMatchPreferences(me, filters), candidates)
  const like = (hostId: string, name: string): void => {
    if (me === undefined) return
    toastWhenSettled(
      client.createRecord('Likes', { Member: [me.id], Host: [hostId], Direction: 'Member → Host' }),
      `You liked ${name}`,
    )
  }
  return (
    <>
      <h1>Find a host</h1>
      <details className="card filters" open>
        <summary>Filters</summary>
        <Chips
          label="Language"
          options={LANGUAGES}
          selected={filters.languages}
          onChange={(languages) => setFilters({ ...filters, languages })}
        />
        <Chips
          label="Personality"
          options={PERSONALITY_TAGS}
          selected={filters.tags}
          onChange={(tags) => setFilters({ ...filters, tags })}
        />
        <Chips
          label="Availability"
          options={DAY_PARTS}
          selected={filters.dayParts}
          onChange={(dayParts) => setFilters({ ...filters, dayParts })}
        />
      </details>
      <ListState list={hosts} what="hosts">
        <p className="muted" role="status">
          {ranked.length} host{ranked.length === 1 ? '' : 's'} match
        </p>
        <ol className="cards hosts">
          {ranked.map(({ host, score, reasons }) => (
            <li key={host.id} className="card host" data-testid="host" data-host-id={host.id}>
              <div className="host-head">
                <strong data-testid="host-name">{host.name}</strong>
                <span className="score" title="Match score">
                  {Math.round(score)}
                </span>
              </div>
              <ul className="reasons">
                {reasons.map((reason) => (
                  <li key={reason.kind} className={reason.positive ? 'good' : 'bad'}>
                    {reason.text}
                  </li>
                ))}
              </ul>
              <button
                type="button"
                className="secondary"
                disabled={liked.has(host.id)}
                aria-pressed={liked.has(host.id)}
                onClick={() => like(host.id, host.name)}
              >
                {liked.has(host.id) ? '♥ Liked' : '♡ Like'}
              </button>
            </li>
          ))}
        </ol>
      </ListState>
    </>
  )
}
