/** /member-preferences: the matching preferences (host languages, personality tags, length). */
import type { ReactNode } from 'react'
import { toast } from 'sonner'
import { Chips } from '../components/chips.tsx'
import { ListState } from '../components/status.tsx'
import { LANGUAGES, PERSONALITY_TAGS, SESSION_LENGTHS } from '../domain/vocabulary.ts'
import { useClient } from '../hooks/airsync.tsx'
import { useMyMember } from '../hooks/session.tsx'

/** The preferences page: every change is saved at once (optimistically). */
export function MemberPreferences(): ReactNode {
  const { list, me } = useMyMember()
  const client = useClient()
  const update = (fields: Record<string, unknown>): void => {
    if (me === undefined) return
    client
      .updateRecord('Members Registry', me.id, fields)
      .catch((e: unknown) => toast.error(e instanceof Error ? e.message : 'Could not save'))
  }
  return (
    <>
      <h1>Matching preferences</h1>
      <p className="muted">Hosts are ranked for you by these (see Find a host).</p>
      <ListState list={list} what="your preferences">
        {me !== undefined && (
          <section className="card">
            <Chips
              label="Host languages"
              options={LANGUAGES}
              selected={me.fields['Preferred Host Languages'] ?? []}
              onChange={(next) => update({ 'Preferred Host Languages': next })}
            />
            <Chips
              label="Personality tags"
              options={PERSONALITY_TAGS}
              selected={me.fields['Preferred Personality Tags'] ?? []}
              onChange={(next) => update({ 'Preferred Personality Tags': next })}
            />
            <label className="field">
              <span>Session length</span>
              <select
                value={me.fields['Preferred Session Length'] ?? ''}
                onChange={(e) =>
                  update({
                    'Preferred Session Length': e.target.value === '' ? null : e.target.value,
                  })
                }
              >
                <option value="">Any</option>
                {SESSION_LENGTHS.map((length) => (
                  <option key={length}>{length}</option>
                ))}
              </select>
            </label>
          </section>
        )}
      </ListState>
    </>
  )
}
