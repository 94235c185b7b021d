/**
 * /admin (admin role): sync status and lag per table, the outbox with its failed mutations
 * (retry, drop), conflicts (resolve) and an audit log search. Each panel reloads every 5 s and
 * after each action.
 */
import { useState, type FormEvent, type ReactNode } from 'react'
import { toast } from 'sonner'
import { formatWhen } from '../components/status.tsx'
import {
  adminRequest,
  useAdminGet,
  type AuditBody,
  type ConflictBody,
  type OutboxBody,
  type StatusBody,
} from '../hooks/admin-api.ts'
import type { AuthSession } from '../hooks/auth.ts'
import { useSession } from '../hooks/session.tsx'

const json = (value: unknown): string => (value === undefined ? '—' : JSON.stringify(value))

function act(
  session: AuthSession,
  request: { path: string; body: unknown; after: () => void },
): void {
  adminRequest(session, request.path, { method: 'POST', body: JSON.stringify(request.body) }).then(
    () => {
      toast.success('Done')
      request.after()
    },
    (e: unknown) => toast.error(e instanceof Error ? e.message : String(e)),
  )
}

function SyncPanel(props: { session: AuthSession }): ReactNode {
  const { data, error } = useAdminGet<StatusBody>(props.session, '/v1/status')
  return (
    <section className="card" aria-labelledby="sync">
      <h2 id="sync">Sync status</h2>
      {error !== undefined && <p className="error">{error}</p>}
      {data !== undefined && (
        <>
          <p data-testid="sync-ready">
            {data.ready ? 'Ready' : 'First sync running'} · ingest {data.ingest?.mode ?? '—'} · last
            full sync {formatWhen(data.lastFullSyncAt)}
          </p>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>Table</th>
                  <th>Rows</th>
                  <th>Status</th>
                  <th>Lag</th>
                </tr>
              </thead>
              <tbody>
                {data.tables.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>{t.rows}</td>
                    <td>{t.error ?? t.status}</td>
                    <td>{t.lagMs === undefined ? '—' : `${(t.lagMs / 1000).toFixed(1)} s`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  )
}

function OutboxPanel(props: { session: AuthSession }): ReactNode {
  const { data, error, reload } = useAdminGet<OutboxBody>(props.session, '/v1/outbox')
  return (
    <section className="card" aria-labelledby="outbox">
      <h2 id="outbox">Outbox</h2>
      {error !== undefined && <p className="error">{error}</p>}
      {data !== undefined && (
        <>
          <p data-testid="outbox-depth">
            {data.depth} pending · {data.conflicts} held in conflicts · {data.failed.length} failed
          </p>
          <ul className="cards">
            {data.failed.map((m) => (
              <li key={m.id} className="card">
                <div>
                  <strong>{m.op}</strong> {m.recordId ?? ''} <span className="muted">{m.id}</span>
                </div>
                <div className="error">
                  {m.error?.type}: {m.error?.message}
                </div>
                <div className="actions">
                  <button
                    type="button"
                    onClick={() =>
                      act(props.session, {
                        path: `/v1/outbox/${m.id}/retry`,
                        body: {},
                        after: reload,
                      })
                    }
                  >
                    Retry
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() =>
                      act(props.session, {
                        path: `/v1/outbox/${m.id}/drop`,
                        body: {},
                        after: reload,
                      })
                    }
                  >
                    Drop
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

function ConflictsPanel(props: { session: AuthSession }): ReactNode {
  const { data, error, reload } = useAdminGet<{ conflicts: ConflictBody[] }>(
    props.session,
    '/v1/conflicts?status=open',
  )
  const resolve = (id: string, choose: 'local' | 'remote' | 'drop'): void =>
    act(props.session, { path: `/v1/conflicts/${id}/resolve`, body: { choose }, after: reload })
  return (
    <section className="card" aria-labelledby="conflicts">
      <h2 id="conflicts">Open conflicts</h2>
      {error !== undefined && <p className="error">{error}</p>}
      {data?.conflicts.length === 0 && <p className="muted">No open conflicts.</p>}
      <ul className="cards">
        {data?.conflicts.map((c) => (
          <li key={c.id} className="card" data-testid="conflict">
            <div>
              <strong>{c.tableName}</strong> {c.recordId}{' '}
              <span className="muted">
                ({c.policy}, {formatWhen(c.createdAt)})
              </span>
            </div>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th>Field</th>
                    <th>Before</th>
                    <th>App</th>
                    <th>Airtable</th>
                  </tr>
                </thead>
                <tbody>
                  {c.fields.map((f) => (
                    <tr key={f.id}>
                      <td>{f.name}</td>
                      <td>{json(f.base)}</td>
                      <td>{json(f.local)}</td>
                      <td>{json(f.remote)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="actions">
              <button type="button" onClick={() => resolve(c.id, 'local')}>
                Keep app's
              </button>
              <button type="button" onClick={() => resolve(c.id, 'remote')}>
                Keep Airtable's
              </button>
              <button type="button" className="secondary" onClick={() => resolve(c.id, 'drop')}>
                Drop
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}

function AuditPanel(props: { session: AuthSession }): ReactNode {
  const [query, setQuery] = useState({ table: '', record: '', actor: '' })
  const [path, setPath] = useState('/v1/audit?limit=50')
  const { data, error } = useAdminGet<{ entries: AuditBody[] }>(props.session, path, 15_000)
  const search = (event: FormEvent): void => {
    event.preventDefault()
    const params = new URLSearchParams({ limit: '50' })
    for (const [key, value] of Object.entries(query)) if (value !== '') params.set(key, value)
    setPath(`/v1/audit?${params.toString()}`)
  }
  return (
    <section className="card" aria-labelledby="audit">
      <h2 id="audit">Audit log</h2>
      <form className="inline" onSubmit={search} role="search">
        {(['table', 'record', 'actor'] as const).map((key) => (
          <label key={key} className="field">
            <span>{key}</span>
            <input
              value={query[key]}
              onChange={(e) => setQuery({ ...query, [key]: e.target.value })}
            />
          </label>
        ))}
        <button type="submit">Search</button>
      </form>
      {error !== undefined && <p className="error">{error}</p>}
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Record</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {data?.entries.map((e) => (
              <tr key={e.id}>
                <td>{formatWhen(e.at)}</td>
                <td>{e.actor ?? e.source}</td>
                <td>{e.action}</td>
                <td>{e.recordId ?? '—'}</td>
                <td>{e.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

/** The admin page. */
export function Admin(): ReactNode {
  const { session } = useSession()
  if (session.role !== 'admin') return <p>This page is for the operations team.</p>
  return (
    <>
      <h1>Operations</h1>
      <SyncPanel session={session} />
      <OutboxPanel session={session} />
      <ConflictsPanel session={session} />
      <AuditPanel session={session} />
    </>
  )
}
