/**
 * The SDK and the Presence service against the real stack (emulator + airsync, test/stack.ts) in
 * Node (issue 6, done means 2): values never change a formula, `clearCache` by name, key and
 * table, a conflict held by the server comes back as an event, and a `reset` from the change
 * stream revalidates the cache.
 */
import 'fake-indexeddb/auto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { PresenceTables } from '../protocol/index.ts'
import { countingFetch, uiEdit, uiUpdate, upstream, waitFor } from '../../test/sdk-stack.ts'
import { DEMO_MEMBER_EMAIL, startStack, type Stack } from '../../test/stack.ts'
import {
  AirsyncError,
  createPresenceService,
  isTempRecordId,
  manualOnlineSignal,
  memoryStorage,
  type AirsyncClient,
  type AirsyncClientOptions,
  type SdkEvent,
} from './index.ts'
import { stackClient } from './testing.ts'

let stack: Stack
beforeAll(async () => {
  stack = await startStack()
}, 180_000)
afterAll(async () => {
  await stack.close()
})

const client = (options: Partial<AirsyncClientOptions> = {}): AirsyncClient<PresenceTables> =>
  stackClient(stack, { storage: memoryStorage(), ...options })

/** A record as airsync's mirror serves it (service key: no row filter). */
async function mirrored(table: string, id: string): Promise<Record<string, unknown>> {
  const path = `/v0/${stack.baseId}/${encodeURIComponent(table)}/${id}`
  const response = await stack.request(path, { token: stack.serviceKey })
  return ((await response.json()) as { fields: Record<string, unknown> }).fields
}

describe('syncMemberSessions', () => {
  test('an email holding quotes, braces or backslashes cannot change the formula', async () => {
    await using sdk = client({ live: false })
    const presence = createPresenceService(sdk)
    const own = await presence.syncMemberSessions(DEMO_MEMBER_EMAIL)
    expect(own.length).toBeGreaterThanOrEqual(16)
    // Spliced raw into `{Member Email} = "…"`, each would match the caller's own rows.
    const hostile = [
      '" & {Member Email} & "',
      '\\" & {Member Email} & \\"',
      "' & {Member Email} & '",
      '"), TRUE(), ("',
      '{Member Email}',
    ]
    for (const email of hostile) {
      expect(await presence.syncMemberSessions(email), email).toEqual([])
    }
  })

  test('a member whose email holds a quote and braces gets exactly their sessions', async () => {
    const email = 'o"brien{x}\\y@presence.test'
    const token = await stack.tokenFor({ email, role: 'member' })
    await using sdk = client({ live: false, getToken: () => token })
    await using demo = client({ live: false })
    const [session] = await createPresenceService(demo).syncMemberSessions(DEMO_MEMBER_EMAIL)
    if (session === undefined) throw new Error('no demo session')
    const demoMember = session.fields.Member
    const [member] = await uiEdit(stack, 'Members Registry', {
      action: 'create',
      records: [{ fields: { 'Full Name': "O'Brien", Email: email } }],
    })
    await uiUpdate(stack, 'Presence Operations', [
      { id: session.id, fields: { Member: [member!.id] } },
    ])
    try {
      await waitFor(async () => {
        const cells = await mirrored('Presence Operations', session.id)
        return JSON.stringify(cells['Member Email']) === JSON.stringify([email])
      }, 'the mirror to take the edit')
      const sessions = await createPresenceService(sdk).syncMemberSessions(email)
      expect(sessions.map((s) => s.id)).toEqual([session.id])
    } finally {
      await uiUpdate(stack, 'Presence Operations', [
        { id: session.id, fields: { Member: demoMember } },
      ])
    }
  })
})

describe('clearCache', () => {
  test('by Presence name, by table and by query key: only what was named is fetched again', async () => {
    const counter = countingFetch()
    await using sdk = client({ fetch: counter.fetch, live: false })
    const presence = createPresenceService(sdk)
    const hostsPath = `GET /v0/${stack.baseId}/Hosts Registry`
    const templatesPath = `GET /v0/${stack.baseId}/Templates`
    const read = async (): Promise<void> => {
      await presence.syncActiveHosts()
      await presence.syncTemplates()
      await presence.syncHelpPrompts()
    }
    await read()
    await read()
    expect(counter.total('GET /v0/')).toBe(3)

    presence.clearCache('active-hosts')
    await read()
    expect(counter.counts.get(hostsPath)).toBe(2)
    expect(counter.total('GET /v0/')).toBe(4)

    sdk.clearCache('Templates')
    await read()
    expect(counter.counts.get(templatesPath)).toBe(2)
    expect(counter.total('GET /v0/')).toBe(5)

    sdk.clearCache(sdk.cacheKey('Templates', { filterByFormula: '{Active Status}' }))
    await read()
    expect(counter.counts.get(templatesPath)).toBe(3)
    expect(counter.total('GET /v0/')).toBe(6)

    presence.clearCache('all')
    await read()
    expect(counter.total('GET /v0/')).toBe(9)
  })
})

describe('Presence user actions', () => {
  test('profile by ID (cached), preferences, join, and select host (refreshes the hosts)', async () => {
    const counter = countingFetch()
    await using sdk = client({ fetch: counter.fetch, live: false })
    const presence = createPresenceService(sdk)
    const member = await presence.findMemberByEmail(DEMO_MEMBER_EMAIL)
    if (member === undefined) throw new Error('no demo member')
    counter.counts.clear()
    const profile = await presence.syncMemberProfile(member.id)
    expect(profile.fields.Email).toBe(DEMO_MEMBER_EMAIL)
    await presence.syncMemberProfile(member.id)
    expect(counter.total('GET /v0/')).toBe(1)

    const preferences = await presence.updatePreferences(member.id, {
      Interests: ['Career', 'Mindfulness'],
    })
    const sessions = await presence.syncMemberSessions(DEMO_MEMBER_EMAIL)
    const session = sessions.find((s) => s.fields['Member Joined'] !== true)
    if (session === undefined) throw new Error('no session to join')
    const join = await presence.joinSession(session.id)
    await Promise.all([preferences.settled, join.settled])
    expect((await upstream(stack, 'Members Registry', member.id))['Interests']).toEqual([
      'Career',
      'Mindfulness',
    ])
    expect((await upstream(stack, 'Presence Operations', session.id))['Member Joined']).toBe(true)

    const [host] = await presence.syncActiveHosts()
    const hostReads = (): number | undefined =>
      counter.counts.get(`GET /v0/${stack.baseId}/Hosts Registry`)
    const before = hostReads()
    expect((await presence.selectHost(host!.id))?.id).toBe(host!.id)
    expect(hostReads()).toBe((before ?? 0) + 1)
  })

  test('batchUpdate sends any number of updates as one request; the server splits them', async () => {
    const counter = countingFetch()
    await using sdk = client({ fetch: counter.fetch, live: false })
    const presence = createPresenceService(sdk)
    const sessions = await presence.syncMemberSessions(DEMO_MEMBER_EMAIL)
    expect(sessions.length).toBeGreaterThan(10)
    const write = await presence.batchUpdate(
      'Presence Operations',
      sessions.map((s) => ({ id: s.id, fields: { 'Member Joined': true } })),
    )
    await write.settled
    // One request from the SDK; Airtable (the emulator) refuses more than 10 records per write.
    expect(counter.total('PATCH')).toBe(1)
    for (const s of sessions) {
      expect((await upstream(stack, 'Presence Operations', s.id))['Member Joined']).toBe(true)
    }
  })
})

describe('cache', () => {
  test('stale-while-revalidate: after the TTL the cached list is served at once and refetched behind', async () => {
    let nowMs = Date.now()
    const counter = countingFetch()
    await using sdk = client({ fetch: counter.fetch, live: false, clock: { now: () => nowMs } })
    const presence = createPresenceService(sdk)
    const first = await presence.syncTemplates()
    nowMs += 4 * 60_000
    expect(await presence.syncTemplates()).toBe(first) // fresh: no request
    expect(counter.total('GET /v0/')).toBe(1)
    nowMs += 2 * 60_000 // past the 5 min TTL
    expect(await presence.syncTemplates()).toBe(first) // stale, served at once…
    await waitFor(() => counter.total('GET /v0/') === 2, 'the background revalidation')
    await waitFor(
      () =>
        !sdk.watchList('Templates', { filterByFormula: '{Active Status}' }).getSnapshot().fetching,
      'it to end',
    )
    const revalidated = await presence.syncTemplates() // …and fresh again
    expect(revalidated).not.toBe(first)
    expect(revalidated).toEqual(first)
    expect(counter.total('GET /v0/')).toBe(2)
  })
})

describe('offline creates', () => {
  test('a record created and edited offline lands once, the edit following its real ID', async () => {
    const online = manualOnlineSignal(false)
    const events: SdkEvent[] = []
    await using sdk = client({ online, getToken: () => stack.tokens.admin })
    sdk.subscribe((e) => events.push(e))
    const name = `Offline template ${Date.now()}`
    const created = await sdk.createRecord('Templates', {
      'Template Name': name,
      'Channel Type': 'SMS',
    })
    const tempId = created.records[0]!.id
    expect(isTempRecordId(tempId)).toBe(true)
    const edited = await sdk.updateRecord('Templates', tempId, { 'Message Body': 'Sent later' })
    expect((await sdk.getRecord('Templates', tempId)).fields).toMatchObject({
      'Template Name': name,
      'Message Body': 'Sent later',
    })

    online.set(true)
    const [record] = await created.settled
    await edited.settled
    expect(record?.id).toMatch(/^rec/)
    expect(await upstream(stack, 'Templates', record!.id)).toMatchObject({
      'Template Name': name,
      'Message Body': 'Sent later',
    })
    const all = await sdk.listRecords('Templates', {
      filterByFormula: `{Template Name} = "${name}"`,
    })
    expect(all.map((r) => r.id)).toEqual([record!.id])
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'mutation',
        outcome: 'committed',
        idMap: { [tempId]: record!.id },
      }),
    )
  })
  test('a change to a record whose offline create was refused fails instead of blocking the queue', async () => {
    const online = manualOnlineSignal(false)
    await using sdk = client({ online, getToken: () => stack.tokens.admin })
    const refused = await sdk.createRecord('Templates', {
      'Template Name': `Refused ${Date.now()}`,
      'Channel Type': 'Fax' as 'SMS',
    })
    const orphan = await sdk.updateRecord('Templates', refused.records[0]!.id, {
      'Message Body': 'never sent',
    })
    const later = await sdk.createRecord('Templates', { 'Template Name': `After ${Date.now()}` })
    online.set(true)
    const errors = await Promise.all(
      [refused, orphan].map((w) =>
        w.settled.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    )
    expect(errors.map((e) => (e as AirsyncError).type)).toEqual([
      'INVALID_MULTIPLE_CHOICE_OPTIONS',
      'ROW_DOES_NOT_EXIST',
    ])
    const [created] = await later.settled
    expect(created?.id).toMatch(/^rec/)
  })
})

describe('events', () => {
  test('a write the server holds in a conflict comes back as a conflict event', async () => {
    await using sdk = client({ live: false }) // no stream: the list keeps what the member saw
    const presence = createPresenceService(sdk)
    const events: SdkEvent[] = []
    sdk.subscribe((e) => events.push(e))
    const sessions = await presence.syncMemberSessions(DEMO_MEMBER_EMAIL)
    const session = sessions.find((s) => s.fields['Booking Status'] === 'Confirmed')
    if (session === undefined) throw new Error('no confirmed session')
    // Ops cancel it in Airtable; the member, not knowing, completes it.
    await uiUpdate(stack, 'Presence Operations', [
      { id: session.id, fields: { 'Booking Status': 'Cancelled' } },
    ])
    await waitFor(
      async () =>
        (await mirrored('Presence Operations', session.id))['Booking Status'] === 'Cancelled',
      'the mirror to take the edit',
    )
    const write = await presence.completeSession(session.id)
    const error: unknown = await write.settled.catch((e: unknown) => e)

    expect(error).toBeInstanceOf(AirsyncError)
    expect((error as AirsyncError).type).toBe('MUTATION_CONFLICT')
    expect((error as AirsyncError).userMessage).toMatch(/Someone else changed this/)
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'mutation',
        outcome: 'conflict',
        writeId: write.id,
        table: 'Presence Operations',
        error: expect.objectContaining({ type: 'MUTATION_CONFLICT' }) as unknown,
      }),
    )
    expect((await upstream(stack, 'Presence Operations', session.id))['Booking Status']).toBe(
      'Cancelled',
    )
  })

  test('a reset from the change stream revalidates every cached query', async () => {
    // A resume point the server cannot honour (as after a restore of its database): the proxy
    // below swaps the stream's Last-Event-ID once asked to.
    let forgetCursor = false
    let drop = new AbortController()
    const counter = countingFetch((request) => {
      if (!new URL(request.url).pathname.startsWith('/v1/events')) return request
      drop = new AbortController()
      const headers = new Headers(request.headers)
      if (forgetCursor && headers.has('last-event-id')) headers.set('last-event-id', '999999999')
      return new Request(request, {
        headers,
        signal: AbortSignal.any([request.signal, drop.signal]),
      })
    })
    const online = manualOnlineSignal(true)
    await using sdk = client({ fetch: counter.fetch, online })
    const presence = createPresenceService(sdk)
    const events: SdkEvent[] = []
    sdk.subscribe((e) => events.push(e))
    const hosts = await presence.syncActiveHosts()
    await presence.syncTemplates()
    await waitFor(() => sdk.getSnapshot().connected, 'the stream')
    // One change, so the stream has a position to resume from.
    const host = hosts[0]!
    await uiUpdate(stack, 'Hosts Registry', [
      { id: host.id, fields: { 'About You': 'reset test' } },
    ])
    await waitFor(
      () => events.some((e) => e.type === 'change' && e.recordId === host.id),
      'the change event',
    )
    const before = counter.total('GET /v0/')

    forgetCursor = true
    drop.abort()
    await waitFor(() => !sdk.getSnapshot().connected, 'the stream to drop')
    online.set(false)
    online.set(true) // reconnects at once
    await waitFor(() => events.some((e) => e.type === 'reset'), 'the reset event')
    await waitFor(() => counter.total('GET /v0/') === before + 2, 'both queries revalidated')
    expect(counter.counts.get(`GET /v0/${stack.baseId}/Hosts Registry`)).toBe(2)
    expect(counter.counts.get(`GET /v0/${stack.baseId}/Templates`)).toBe(2)
  })
})
