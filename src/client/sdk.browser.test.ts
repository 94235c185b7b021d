/**
 * The SDK in real Chromium (issue 6, done means 3 and 4) against the real stack (emulator +
 * airsync, test/stack.ts): the SDK bundle is served at the server's origin (test/sdk-page.ts),
 * the queue lives in Chromium's IndexedDB, tabs coordinate with Web Locks and BroadcastChannel,
 * and "offline" is Chromium's own network emulation (`context.setOffline`).
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, BrowserContext, Page, Request } from 'playwright-core'
import type { PresenceTables } from '../protocol/index.ts'
import { describeBrowser, launchChromium } from '../../test/browser.ts'
import { fieldHistory } from '../../test/emulator-history.ts'
import { openSdkPage, serveSdkPage } from '../../test/sdk-page.ts'
import { DEMO_MEMBER_EMAIL, startStack, type Stack } from '../../test/stack.ts'
import type * as Sdk from './index.ts'

/** What the page holds on `globalThis` (the bundle sets `airsync`; `boot` the rest). */
interface PageGlobals {
  airsync: typeof Sdk
  sdk: Sdk.AirsyncClient<PresenceTables>
  presence: Sdk.PresenceService
  events: Sdk.SdkEvent[]
}

const PROFILE_TABLE = 'Members Registry'
const PROFILE_FIELD = 'About You'

let stack: Stack
let browser: Browser
beforeAll(async () => {
  ;[stack, browser] = await Promise.all([startStack(), launchChromium()])
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

/** Creates the page's client over the IndexedDB queue `queue` and loads what it stored. */
async function boot(page: Page, queue: string): Promise<void> {
  const options = { url: stack.url, baseId: stack.baseId, token: stack.tokens.member, queue }
  await page.evaluate(async (o) => {
    const w = globalThis as unknown as PageGlobals
    const { createAirsyncClient, createPresenceService, indexedDbStorage } = w.airsync
    w.events = []
    w.sdk = createAirsyncClient<PresenceTables>({
      url: o.url,
      baseId: o.baseId,
      getToken: () => o.token,
      tables: w.airsync.PRESENCE_TABLE_CONFIG,
      storage: indexedDbStorage({ name: o.queue }),
      pollIntervalMs: 250,
      retryBaseMs: 250,
    })
    w.sdk.subscribe((event) => w.events.push(event))
    w.presence = createPresenceService(w.sdk)
    await w.sdk.flush() // starts the client: loads the stored queue
  }, options)
}

/** The writes to a table that reached the server and were answered, in send order. */
function recordWrites(
  context: BrowserContext,
  table: string,
): { key: string; fields: Record<string, unknown> }[] {
  const writes: { key: string; fields: Record<string, unknown> }[] = []
  const path = `/v0/${stack.baseId}/${encodeURIComponent(table)}`
  const seen = (request: Request): void => {
    if (request.method() !== 'PATCH' || !request.url().startsWith(stack.url + path)) return
    const body = request.postDataJSON() as { records: { fields: Record<string, unknown> }[] }
    for (const record of body.records) {
      writes.push({ key: request.headers()['idempotency-key'] ?? '', fields: record.fields })
    }
  }
  context.on('requestfinished', seen)
  return writes
}

async function memberId(page: Page): Promise<string> {
  return page.evaluate(async (email) => {
    const w = globalThis as unknown as PageGlobals
    const member = await w.presence.findMemberByEmail(email)
    if (member === undefined) throw new Error('no demo member')
    return member.id
  }, DEMO_MEMBER_EMAIL)
}

/** Queues one profile edit per text (each resolves once stored); returns the queue size. */
async function editProfile(
  page: Page,
  edit: { id: string; texts: readonly string[]; field?: string },
): Promise<number> {
  return page.evaluate(
    async ({ id, texts, field }) => {
      const w = globalThis as unknown as PageGlobals
      for (const text of texts) await w.sdk.updateRecord('Members Registry', id, { [field]: text })
      return w.sdk.getSnapshot().queueSize
    },
    { ...edit, field: edit.field ?? PROFILE_FIELD },
  )
}

/** The `mutation` events the page's client emitted, by outcome. */
async function outcomes(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals
    const counts: Record<string, number> = {}
    for (const e of w.events)
      if (e.type === 'mutation') counts[e.outcome] = (counts[e.outcome] ?? 0) + 1
    return counts
  })
}

async function setOffline(context: BrowserContext, offline: boolean): Promise<void> {
  await context.setOffline(offline)
  for (const page of context.pages()) {
    await page.waitForFunction((expected) => navigator.onLine === expected, !offline)
  }
}

/** Waits until the page's queue is empty. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as PageGlobals).sdk.whenSettled())
}

async function upstream(table: string, id: string): Promise<Record<string, unknown>> {
  const response = await fetch(
    `${stack.emulator.url}/v0/${stack.baseId}/${encodeURIComponent(table)}/${id}`,
    { headers: { authorization: `Bearer ${stack.emulator.token}` } },
  )
  return ((await response.json()) as { fields: Record<string, unknown> }).fields
}

/** The server's audit entries of a record since `from` (admin token). */
async function auditOf(
  recordId: string,
  from: string,
): Promise<{ source: string; action: string; outcome: string; mutationId: string }[]> {
  const query = `record=${recordId}&from=${encodeURIComponent(from)}&limit=1000`
  const response = await stack.request(`/v1/audit?${query}`, { token: stack.tokens.admin })
  const body = (await response.json()) as {
    entries: { source: string; action: string; outcome: string; mutationId: string }[]
  }
  return body.entries
}

/** The numbers at the end of texts like `edit 7`. */
const numbers = (values: readonly unknown[], prefix: string): number[] =>
  values
    .filter((v): v is string => typeof v === 'string' && v.startsWith(prefix))
    .map((v) => Number(v.slice(prefix.length)))

describeBrowser('the SDK in Chromium', () => {
  test('offline: 20 edits survive a reload and land in the emulator once each, in order', async () => {
    const context = await browser.newContext()
    try {
      const url = await serveSdkPage(context, stack.url)
      const page = await openSdkPage(await context.newPage(), url)
      const queue = `queue-${Date.now()}`
      await boot(page, queue)
      const id = await memberId(page)
      const writes = recordWrites(context, PROFILE_TABLE)
      const startedAt = new Date().toISOString()
      const prefix = `offline ${Date.now()} edit `
      const texts = Array.from({ length: 20 }, (_, i) => `${prefix}${i + 1}`)

      await setOffline(context, true)
      expect(await editProfile(page, { id, texts })).toBe(20)
      await openSdkPage(page, url) // the reload, still offline
      await boot(page, queue)
      const stored = await page.evaluate(() => {
        const w = globalThis as unknown as PageGlobals
        return w.sdk.getSnapshot().queueSize
      })
      expect(stored).toBe(20)
      expect(writes).toEqual([])

      await setOffline(context, false)
      await settled(page)

      // Sent once each (20 distinct idempotency keys), in the order they were made.
      expect(writes.map((w) => w.fields[PROFILE_FIELD])).toEqual(texts)
      expect(new Set(writes.map((w) => w.key)).size).toBe(20)
      expect(await outcomes(page)).toEqual({ committed: 20 })
      // Airtable ends with the last edit, and what it committed never went back or repeated
      // (the server's outbox may fold queued edits of one record into one request).
      expect((await upstream(PROFILE_TABLE, id))[PROFILE_FIELD]).toBe(texts[19])
      const history = numbers(
        await fieldHistory(stack.emulator, {
          table: PROFILE_TABLE,
          recordId: id,
          field: PROFILE_FIELD,
        }),
        prefix,
      )
      expect(history.at(-1)).toBe(20)
      expect(history).toEqual([...history].sort((a, b) => a - b))
      expect(new Set(history).size).toBe(history.length)
      // The server's audit: 20 writes accepted (one per key), each committed once.
      const audit = await auditOf(id, startedAt)
      const accepted = audit.filter((e) => e.source === 'api' && e.outcome === 'accepted')
      const acked = audit.filter((e) => e.action === 'ack' && e.outcome === 'committed')
      expect(new Set(accepted.map((e) => e.mutationId)).size).toBe(20)
      expect(accepted).toHaveLength(20)
      expect(acked.map((e) => e.mutationId).sort()).toEqual(
        accepted.map((e) => e.mutationId).sort(),
      )
    } finally {
      await context.close()
    }
  })

  test('two tabs over one queue: each queued write is sent once, in the order of each tab', async () => {
    const context = await browser.newContext()
    try {
      const url = await serveSdkPage(context, stack.url)
      const tabs = [
        await openSdkPage(await context.newPage(), url),
        await openSdkPage(await context.newPage(), url),
      ] as const
      const queue = `queue-${Date.now()}`
      for (const tab of tabs) await boot(tab, queue)
      const id = await memberId(tabs[0])
      const writes = recordWrites(context, PROFILE_TABLE)
      // One field per tab: concurrent edits of one field would be the server's conflict policy.
      const fields = [PROFILE_FIELD, 'Full Name'] as const
      const run = Date.now()
      const text = (tab: number, i: number): string => `tabs ${run} tab ${tab} edit ${i}`
      const edit = (tab: number, numbers: number[]): Promise<number> =>
        editProfile(tabs[tab as 0 | 1], {
          id,
          texts: numbers.map((i) => text(tab, i)),
          field: fields[tab as 0 | 1],
        })

      await setOffline(context, true)
      for (let i = 1; i <= 4; i++) for (const tab of [0, 1]) await edit(tab, [i])
      await setOffline(context, false)
      // More edits in both tabs while the queue is being sent.
      await Promise.all([0, 1].map((tab) => edit(tab, [5, 6, 7, 8])))
      for (const tab of tabs) await settled(tab)

      expect(writes).toHaveLength(16)
      expect(new Set(writes.map((w) => w.key)).size).toBe(16)
      const upstreamFields = await upstream(PROFILE_TABLE, id)
      for (const tab of [0, 1]) {
        const field = fields[tab as 0 | 1]
        const sent = writes.flatMap((w) => (field in w.fields ? [w.fields[field]] : []))
        expect(sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => text(tab, i)))
        expect(upstreamFields[field]).toBe(text(tab, 8))
        // Both tabs hear every outcome (the holder settles, the other is told).
        expect(await outcomes(tabs[tab as 0 | 1])).toEqual({ committed: 16 })
      }
    } finally {
      await context.close()
    }
  })

  test('a host edited in the emulator updates the cached host list without a refetch', async () => {
    const context = await browser.newContext()
    try {
      const url = await serveSdkPage(context, stack.url)
      const page = await openSdkPage(await context.newPage(), url)
      await boot(page, `queue-${Date.now()}`)
      const hosts = await page.evaluate(async () => {
        const w = globalThis as unknown as PageGlobals
        const list = await w.presence.syncActiveHosts()
        w.sdk.watchList('Hosts Registry', { view: 'Active Hosts' }).subscribe(() => undefined)
        return list.map((h) => h.id)
      })
      await page.waitForFunction(() => {
        const w = globalThis as unknown as PageGlobals
        return w.sdk.getSnapshot().connected
      })
      const [renamed, paused] = [hosts[3], hosts[5]]
      if (renamed === undefined || paused === undefined) throw new Error('too few hosts')
      const listReads: string[] = []
      page.on('request', (request) => {
        if (new URL(request.url()).pathname.startsWith('/v0/')) listReads.push(request.url())
      })

      // As the operations team edits in Airtable's UI.
      const table = encodeURIComponent('Hosts Registry')
      const edit = await fetch(
        `${stack.emulator.url}/__emulator/bases/${stack.baseId}/tables/${table}/records`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${stack.emulator.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            action: 'update',
            records: [
              { id: renamed, fields: { 'Full Name': 'Aaron Aardvark (renamed)' } },
              { id: paused, fields: { 'Host Status': 'Paused' } },
            ],
          }),
        },
      )
      expect(edit.status).toBe(200)

      // Renamed: first by name; paused: no longer in the view's filter.
      const expected = { renamed, paused }
      await page.waitForFunction((e) => {
        const w = globalThis as unknown as PageGlobals
        const { records } = w.sdk
          .watchList('Hosts Registry', { view: 'Active Hosts' })
          .getSnapshot()
        return records[0]?.id === e.renamed && !records.some((r) => r.id === e.paused)
      }, expected)
      const served = await page.evaluate(async () => {
        const w = globalThis as unknown as PageGlobals
        return (await w.presence.syncActiveHosts()).map((h) => h.id)
      })
      expect(served[0]).toBe(renamed)
      expect(served).not.toContain(paused)
      expect(served).toHaveLength(hosts.length - 1)
      expect(listReads).toEqual([])
    } finally {
      await context.close()
    }
  })
})
