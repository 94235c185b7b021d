/**
 * `GET /v1/events` end to end (issue 5): emulator + airsync on port 0, real HTTP SSE clients.
 * Changes are written into the mirror as ingestion writes them (store upsert → change feed →
 * NOTIFY), so what is under test is the stream: policy filtering, order, resume, reset, caps,
 * heartbeats and slow clients.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { RecordEvent } from '../src/protocol/index.ts'
import { feedBounds, pruneOlderThan } from '../src/store/index.ts'
import { createSseParser, openEvents, type ReceivedEvent, type SseClient } from './events-client.ts'
import { appendMutationOutcome, editRecord, listAll, type ApiRecord } from './events-helpers.ts'
import { DEMO_MEMBER_EMAIL, startStack, type Stack } from './stack.ts'

const MAX_STREAMS = 3
const BUFFER_BYTES = 32_768

let stack: Stack
let mine: ApiRecord
let theirs: ApiRecord
let theirToken: string
let activeTemplate: ApiRecord
const open: SseClient[] = []

const stream = async (token: string, extra: { query?: string; lastEventId?: string } = {}) => {
  const client = await openEvents(stack.url, { token, ...extra })
  open.push(client)
  return client
}
const records = (events: readonly ReceivedEvent[]): RecordEvent[] =>
  events.flatMap((e) => (e.parsed.type.startsWith('record.') ? [e.parsed as RecordEvent] : []))
const seqs = (events: readonly ReceivedEvent[]): number[] => events.map((e) => e.parsed.seq)
const hasSeq = (seq: number) => (events: readonly ReceivedEvent[]) =>
  events.some((e) => e.parsed.seq === seq)

beforeAll(async () => {
  stack = await startStack({
    serverConfig: {
      eventsHeartbeatMs: 300,
      eventsMaxStreamsPerUser: MAX_STREAMS,
      eventsMaxBufferedBytes: BUFFER_BYTES,
      // Ingestion polls the emulator's webhook payloads (no public URL in tests).
      pollIntervalMs: 200,
    },
  })
  const members = await listAll(stack, 'Members Registry')
  mine = members.find((r) => r.fields['Email'] === DEMO_MEMBER_EMAIL)!
  theirs = members.find((r) => r !== mine && typeof r.fields['Email'] === 'string')!
  theirToken = await stack.tokenFor({ email: theirs.fields['Email'] as string, role: 'member' })
  activeTemplate = (await listAll(stack, 'Templates', '{Active Status}'))[0]!
})

afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()))
  // The server sees each close a moment later; a next test must not hit the per-user cap.
  await expect.poll(() => stack.server.events.stats().streams).toBe(0)
})

afterAll(async () => {
  await stack?.close()
})

describe('GET /v1/events', () => {
  test('a member gets their own row, in order, with readable fields only; never another’s', async () => {
    const member = await stream(stack.tokens.member)
    const other = await stream(theirToken)
    const admin = await stream(stack.tokens.admin)
    const edit = (record: ApiRecord, about: string) =>
      editRecord(stack, {
        table: 'Members Registry',
        id: record.id,
        fields: { 'About You': about },
      })
    const a1 = await edit(mine, 'a1')
    const b1 = await edit(theirs, 'b1')
    const a2 = await edit(mine, 'a2')
    const a3 = await edit(mine, 'a3')

    await member.waitFor(hasSeq(a3))
    await other.waitFor(hasSeq(b1))
    await admin.waitFor(hasSeq(a3))
    expect(seqs(member.events)).toEqual([a1, a2, a3])
    expect(records(member.events).map((e) => [e.type, e.recordId, e.fields['About You']])).toEqual([
      ['record.updated', mine.id, 'a1'],
      ['record.updated', mine.id, 'a2'],
      ['record.updated', mine.id, 'a3'],
    ])
    const first = records(member.events)[0]!
    expect(first).toMatchObject({ tableName: 'Members Registry', changedFields: ['About You'] })
    expect(first.fields['Email']).toBe(DEMO_MEMBER_EMAIL)
    expect(Object.keys(first.fields)).not.toContain('Stripe Customer ID')
    expect(seqs(other.events)).toEqual([b1])
    expect(seqs(admin.events)).toEqual([a1, b1, a2, a3])
    expect(member.events.map((e) => e.id)).toEqual([a1, a2, a3].map(String))
  })

  test('one batch with two members’ own rows and a shared row: each gets the shared row and only their own', async () => {
    // Members Registry: an own-row rule (bound to each member's claims, so judged per member);
    // Templates: one rule for every member (judged once, its event shared). Written in one
    // transaction, the three entries reach the hub as one batch, sent as one chunk per stream.
    const member = await stream(stack.tokens.member)
    const other = await stream(theirToken)
    const admin = await stream(stack.tokens.admin)
    const [a, b, t] = await stack.server.db.transaction(async (db) => [
      await editRecord(stack, {
        db,
        table: 'Members Registry',
        id: mine.id,
        fields: { 'About You': 'batch a' },
      }),
      await editRecord(stack, {
        db,
        table: 'Members Registry',
        id: theirs.id,
        fields: { 'About You': 'batch b' },
      }),
      await editRecord(stack, {
        db,
        table: 'Templates',
        id: activeTemplate.id,
        fields: { 'Message Body': 'batch t' },
      }),
    ])
    await member.waitFor(hasSeq(t))
    await other.waitFor(hasSeq(t))
    await admin.waitFor(hasSeq(t))
    expect(records(member.events).map((e) => [e.seq, e.recordId])).toEqual([
      [a, mine.id],
      [t, activeTemplate.id],
    ])
    expect(records(other.events).map((e) => [e.seq, e.recordId])).toEqual([
      [b, theirs.id],
      [t, activeTemplate.id],
    ])
    expect(records(member.events)[0]!.fields['About You']).toBe('batch a')
    expect(records(other.events)[0]!.fields['About You']).toBe('batch b')
    expect(records(other.events)[0]!.fields['Email']).toBe(theirs.fields['Email'])
    expect(seqs(admin.events)).toEqual([a, b, t])

    const metrics = await (await stack.request('/metrics', { token: stack.serviceKey })).text()
    expect(metrics).toMatch(/^airsync_event_streams_open 3$/m)
    const sent = Number(/^airsync_events_sent_total (\d+)$/m.exec(metrics)?.[1])
    expect(sent).toBeGreaterThanOrEqual(7)
  })

  test('edits in the emulator (UI and API) reach the right member, in order, and no one else', async () => {
    const member = await stream(stack.tokens.member)
    const other = await stream(theirToken)
    const emulator = stack.emulator
    const table = encodeURIComponent('Members Registry')
    const uiEdit = async (id: string, about: string) => {
      const response = await fetch(
        `${emulator.url}/__emulator/bases/${stack.baseId}/tables/${table}/records`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${emulator.token}`,
          },
          body: JSON.stringify({
            action: 'update',
            records: [{ id, fields: { 'About You': about } }],
          }),
        },
      )
      expect(response.status).toBe(200)
    }
    const apiEdit = async (id: string, about: string) => {
      const response = await fetch(`${emulator.url}/v0/${stack.baseId}/${table}/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${emulator.token}` },
        body: JSON.stringify({ fields: { 'About You': about } }),
      })
      expect(response.status).toBe(200)
    }
    await uiEdit(mine.id, 'ui 1')
    await apiEdit(theirs.id, 'theirs api')
    await apiEdit(mine.id, 'api 2')
    await uiEdit(mine.id, 'ui 3')
    const about = (client: SseClient) =>
      records(client.events).map((e) => [e.recordId, e.fields['About You']])
    await member.waitFor(() => about(member).some(([, value]) => value === 'ui 3'), 20_000)
    await other.waitFor(() => about(other).length > 0, 20_000)
    expect(about(member)).toEqual([
      [mine.id, 'ui 1'],
      [mine.id, 'api 2'],
      [mine.id, 'ui 3'],
    ])
    expect(about(other)).toEqual([[theirs.id, 'theirs api']])
    expect(records(member.events).every((e) => e.source !== 'test')).toBe(true)
  })

  test('a row leaving a member’s view arrives as record.deleted; coming back, as an upsert', async () => {
    const member = await stream(stack.tokens.member, { query: '?tables=Templates' })
    const admin = await stream(stack.tokens.admin, { query: '?tables=Templates' })
    const edit = (active: boolean) =>
      editRecord(stack, {
        table: 'Templates',
        id: activeTemplate.id,
        fields: { 'Active Status': active },
      })
    const hidden = await edit(false)
    const shown = await edit(true)
    await member.waitFor(hasSeq(shown))
    await admin.waitFor(hasSeq(shown))
    expect(records(member.events).map((e) => [e.seq, e.type, e.recordId])).toEqual([
      [hidden, 'record.deleted', activeTemplate.id],
      [shown, 'record.updated', activeTemplate.id],
    ])
    expect(records(member.events)[0]!.fields).toEqual({})
    expect(records(member.events)[1]!.fields['Active Status']).toBe(true)
    expect(records(admin.events).map((e) => e.type)).toEqual(['record.updated', 'record.updated'])
  })

  test('tables= keeps to the tables named; an unknown table is 403', async () => {
    const member = await stream(stack.tokens.member, {
      query: '?tables=Templates,Help%20Desk%20Prompts',
    })
    await editRecord(stack, {
      table: 'Members Registry',
      id: mine.id,
      fields: { 'About You': 'x' },
    })
    const seq = await editRecord(stack, {
      table: 'Templates',
      id: activeTemplate.id,
      fields: { 'Message Body': 'tables filter' },
    })
    await member.waitFor(hasSeq(seq))
    expect(seqs(member.events)).toEqual([seq])

    const unknown = await stream(stack.tokens.member, { query: '?tables=Nope' })
    expect(unknown.status).toBe(403)
  })

  test('drop mid-stream, reconnect with Last-Event-ID: no gap, no duplicate', async () => {
    const first = await stream(stack.tokens.admin)
    const written: number[] = []
    const writing = (async () => {
      for (let i = 0; i < 30; i += 1) {
        written.push(
          await editRecord(stack, {
            table: 'Members Registry',
            id: mine.id,
            fields: { 'About You': `burst ${i}` },
          }),
        )
      }
    })()
    await first.waitFor((events) => events.length >= 5)
    await first.close()
    const resumeFrom = first.lastEventId
    expect(resumeFrom).toBeDefined()
    await writing
    const second = await stream(stack.tokens.admin, { lastEventId: resumeFrom! })
    await second.waitFor(hasSeq(written.at(-1)!))
    const all = [...seqs(first.events), ...seqs(second.events)]
    expect(all).toEqual(written)
  })

  test('mutation outcomes go to their actor and admins only', async () => {
    const member = await stream(stack.tokens.member)
    const other = await stream(theirToken)
    const admin = await stream(stack.tokens.admin)
    const committed = await appendMutationOutcome(stack, {
      table: 'Members Registry',
      mutationId: 'mutAAAAAAAAAAAAAA',
      actor: `user:user-${DEMO_MEMBER_EMAIL}`,
      state: 'committed',
      recordId: mine.id,
    })
    const failed = await appendMutationOutcome(stack, {
      table: 'Members Registry',
      mutationId: 'mutBBBBBBBBBBBBBB',
      actor: `user-${DEMO_MEMBER_EMAIL}`,
      state: 'failed',
      recordId: mine.id,
    })
    const sentinel = await editRecord(stack, {
      table: 'Members Registry',
      id: theirs.id,
      fields: { 'About You': 'sentinel' },
    })
    await member.waitFor(hasSeq(failed))
    await other.waitFor(hasSeq(sentinel))
    await admin.waitFor(hasSeq(sentinel))
    expect(member.events.map((e) => e.parsed)).toEqual([
      expect.objectContaining({ type: 'mutation.committed', seq: committed, recordId: mine.id }),
      expect.objectContaining({
        type: 'mutation.failed',
        seq: failed,
        error: { type: 'INVALID_VALUE_FOR_COLUMN', message: 'bad value' },
      }),
    ])
    expect(seqs(other.events)).toEqual([sentinel])
    expect(seqs(admin.events)).toEqual([committed, failed, sentinel])
  })

  test('?access_token= authenticates (EventSource); no token is 401', async () => {
    const viaQuery = await openEvents(stack.url, { query: `?access_token=${stack.tokens.member}` })
    open.push(viaQuery)
    expect(viaQuery.status).toBe(200)
    const none = await openEvents(stack.url)
    expect(none.status).toBe(401)
  })

  test('heartbeats are comments', async () => {
    const member = await stream(stack.tokens.member)
    await member.waitFor(() => member.comments.includes('heartbeat'))
    expect(member.events).toEqual([])
  })

  test('streams per user are capped: 429 in Airtable’s envelope, a slot frees on close', async () => {
    const token = await stack.tokenFor({ email: 'cap@presence.test', role: 'member', sub: 'cap' })
    const streams = await Promise.all(Array.from({ length: MAX_STREAMS }, () => stream(token)))
    expect(streams.map((s) => s.status)).toEqual(Array(MAX_STREAMS).fill(200))
    const refused = await stack.request('/v1/events', { token })
    expect(refused.status).toBe(429)
    expect(await refused.json()).toEqual({
      error: { type: 'RATE_LIMIT_REACHED', message: expect.stringMatching(/event streams/) },
    })
    const before = stack.server.events.stats().streams
    await streams[0]!.close()
    await expect.poll(() => stack.server.events.stats().streams).toBe(before - 1)
    expect((await stream(token)).status).toBe(200)
  })

  test('a slow client is dropped without delaying the others, and resumes', async () => {
    const fast = await stream(stack.tokens.admin)
    // In-process and never read: its bytes pile up in airsync's buffer, not in a socket.
    const slow = await stack.server.app.request('/v1/events', {
      headers: { authorization: `Bearer ${stack.serviceKey}` },
    })
    expect(slow.status).toBe(200)
    const overflows = stack.server.events.stats().overflows
    const big = 'x'.repeat(2_048)
    const written: number[] = []
    for (let i = 0; i * big.length < BUFFER_BYTES * 2; i += 1) {
      const seq = await editRecord(stack, {
        table: 'Members Registry',
        id: mine.id,
        fields: { 'About You': `${i} ${big}` },
      })
      written.push(seq)
      // The fast client has each change while the slow one's bytes pile up unread.
      await fast.waitFor(hasSeq(seq))
    }
    expect(seqs(fast.events)).toEqual(written)
    expect(stack.server.events.stats().overflows).toBe(overflows + 1)

    // The dropped stream ended cleanly after whole events; resuming from its last id loses nothing.
    const received: string[] = []
    const parser = createSseParser({ onEvent: (event) => received.push(event.id ?? '') })
    parser.push(await slow.text())
    expect(received.length).toBeLessThan(written.length)
    expect(received).toEqual(written.slice(0, received.length).map(String))
    const resumed = await stream(stack.serviceKey, {
      lastEventId: received.at(-1) ?? String(written[0]! - 1),
    })
    await resumed.waitFor(hasSeq(written.at(-1)!))
    expect([...received.map(Number), ...seqs(resumed.events)]).toEqual(written)
  })

  test('a resume point older than the retention, or unknown, gets a reset, then live events', async () => {
    await editRecord(stack, {
      table: 'Members Registry',
      id: mine.id,
      fields: { 'About You': 'old' },
    })
    await pruneOlderThan(stack.server.db, { ageMs: 0, nowMs: Date.now() + 60_000 })
    const { latestSeq, prunedThrough } = await feedBounds(stack.server.db)
    expect(prunedThrough).toBe(latestSeq)

    const expired = await stream(stack.tokens.member, { lastEventId: '1' })
    const unknown = await stream(stack.tokens.member, { lastEventId: String(latestSeq + 1000) })
    const live = await editRecord(stack, {
      table: 'Members Registry',
      id: mine.id,
      fields: { 'About You': 'new' },
    })
    await expired.waitFor(hasSeq(live))
    await unknown.waitFor(hasSeq(live))
    expect(expired.events.map((e) => [e.id, e.parsed])).toEqual([
      [String(latestSeq), { type: 'reset', seq: latestSeq, reason: 'expired' }],
      [String(live), expect.objectContaining({ type: 'record.updated', seq: live })],
    ])
    expect(unknown.events[0]!.parsed).toEqual({ type: 'reset', seq: latestSeq, reason: 'unknown' })
    expect(seqs(unknown.events)).toEqual([latestSeq, live])
  })
})
