/** /member-profile: the member's profile, viewed and edited (written through the outbox). */
import { useState, type FormEvent, type ReactNode } from 'react'
import { ListState } from '../components/status.tsx'
import type { MemberRecord } from '../domain/presence.ts'
import { LANGUAGES } from '../domain/vocabulary.ts'
import { useClient } from '../hooks/airsync.tsx'
import { useMyMember } from '../hooks/session.tsx'
import { toastWhenSettled } from '../hooks/write-toast.ts'

const TEXT_FIELDS = ['Full Name', 'Mobile Number', 'Country', 'Time Zone'] as const

type Draft = Record<(typeof TEXT_FIELDS)[number] | 'About You' | 'Language', string>

const draftOf = (me: MemberRecord): Draft => ({
  'Full Name': me.fields['Full Name'] ?? '',
  'Mobile Number': me.fields['Mobile Number'] ?? '',
  Country: me.fields.Country ?? '',
  'Time Zone': me.fields['Time Zone'] ?? '',
  'About You': me.fields['About You'] ?? '',
  Language: me.fields.Language ?? '',
})

const cellText = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '—'

/** The profile page. */
export function MemberProfile(): ReactNode {
  const { list, me } = useMyMember()
  const [editing, setEditing] = useState<Draft | undefined>(undefined)
  const client = useClient()
  const save = (event: FormEvent): void => {
    event.preventDefault()
    if (me === undefined || editing === undefined) return
    const before = draftOf(me)
    const changed = Object.fromEntries(
      Object.entries(editing)
        .filter(([key, value]) => before[key as keyof Draft] !== value)
        .map(([key, value]) => [key, value === '' ? null : value]),
    )
    setEditing(undefined)
    if (Object.keys(changed).length === 0) return
    toastWhenSettled(client.updateRecord('Members Registry', me.id, changed), 'Profile saved')
  }
  return (
    <>
      <h1>Your profile</h1>
      <ListState list={list} what="your profile">
        {me === undefined ? (
          <p>No profile found for your account.</p>
        ) : editing === undefined ? (
          <section className="card" aria-label="Profile">
            <dl className="fields">
              {[...TEXT_FIELDS, 'Language', 'About You', 'Email', 'Member Type'].map((name) => (
                <div key={name}>
                  <dt>{name}</dt>
                  <dd data-field={name}>
                    {cellText(me.fields[name as keyof MemberRecord['fields']])}
                  </dd>
                </div>
              ))}
            </dl>
            <button type="button" onClick={() => setEditing(draftOf(me))}>
              Edit profile
            </button>
          </section>
        ) : (
          <form className="card" onSubmit={save} aria-label="Edit profile">
            {TEXT_FIELDS.map((name) => (
              <label key={name} className="field">
                <span>{name}</span>
                <input
                  name={name}
                  value={editing[name]}
                  onChange={(e) => setEditing({ ...editing, [name]: e.target.value })}
                />
              </label>
            ))}
            <label className="field">
              <span>Language</span>
              <select
                name="Language"
                value={editing.Language}
                onChange={(e) => setEditing({ ...editing, Language: e.target.value })}
              >
                <option value="">—</option>
                {LANGUAGES.map((l) => (
                  <option key={l}>{l}</option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>About You</span>
              <textarea
                name="About You"
                rows={4}
                value={editing['About You']}
                onChange={(e) => setEditing({ ...editing, 'About You': e.target.value })}
              />
            </label>
            <div className="actions">
              <button type="submit">Save</button>
              <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </ListState>
    </>
  )
}
