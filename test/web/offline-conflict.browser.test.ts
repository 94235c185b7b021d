/**
 * Issue 7, done means 1, in real Chromium against the stack `airsync start` runs: the offline
 * flow (edit while offline, reload — the service worker serves the shell — reconnect, the change
 * lands once), and a conflict on a `manual` field (Booking Status: the member completes a
 * session offline while operations cancel it in Airtable) shown on the admin page and resolved
 * there. Network errors are tolerated only while the browser is offline; any other console
 * error or page error fails the test.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { DEMO_MEMBER_EMAIL } from '../../src/emulator/index.ts'
import { describeBrowser, launchChromium } from '../browser.ts'
import { openApp, pollUntil, screenshotBoth, signIn, type PageWatch } from './app-page.ts'
import { startAppStack, type StackRecord, type StartedStack } from './start-stack.ts'

/** What Chromium logs for requests made while offline (and the stream it cannot reopen). */
const OFFLINE_NOISE = /ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|Failed to load resource/

interface AuditEntry {
  action: string
  mutationId?: string
  actor?: string
  after?: Record<string, unknown>
}

describeBrowser('Presence PWA offline and conflicts in Chromium (airsync start stack)', () => {
  let stack: StartedStack
  let browser: Browser
  const contexts: BrowserContext[] = []
  const watches: PageWatch[] = []

  beforeAll(async () => {
    ;[stack, browser] = await Promise.all([startAppStack(), launchChromium()])
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await stack?.close()
  })
  afterEach(async () => {
    const errors = watches.flatMap((w) => w.errors)
    await Promise.all(contexts.map((c) => c.close()))
    contexts.length = 0
    watches.length = 0
    expect(errors).toEqual([])
  })

  async function open(role: 'member' | 'admin'): Promise<{ page: Page; watch: PageWatch }> {
    const opened = await openApp(browser)
    contexts.push(opened.context)
    watches.push(opened.watch)
    await signIn(opened.page, stack.url, role)
    return opened
  }

  async function demoMember(): Promise<StackRecord> {
    const member = (await stack.mirror('Members Registry')).find(
      (r) => r.fields['Email'] === DEMO_MEMBER_EMAIL,
    )
    if (member === undefined) throw new Error('no demo member')
    return member
  }

  test('an edit made offline survives a reload and lands once after reconnecting', async () => {
    const member = await demoMember()
    const { page, watch } = await open('member')
    await page.goto(`${stack.url}/member-profile`)
    await page.getByRole('button', { name: 'Edit profile' }).waitFor()
    // The service worker must hold the shell before the reload below can work offline.
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)')
    // Reloaded once online, the page is surely served and controlled by the worker.
    await page.reload()
    await pollUntil(
      async () => (await page.evaluate('navigator.serviceWorker.controller !== null')) === true,
      'the service worker controls the page',
    )
    await page.getByRole('button', { name: 'Edit profile' }).waitFor()

    const endAllowance = watch.allow(OFFLINE_NOISE)
    await page.context().setOffline(true)
    await page.getByTestId('offline-banner').waitFor()
    const about = `Written offline ${Date.now()}`
    await page.getByRole('button', { name: 'Edit profile' }).click()
    await page.getByRole('textbox', { name: 'About You' }).fill(about)
    await page.getByRole('button', { name: 'Save' }).click()
    await page
      .getByTestId('offline-banner')
      .filter({ hasText: '1 change waiting' })
      .waitFor({ timeout: 10_000 })

    await page.reload()
    await page
      .getByTestId('offline-banner')
      .filter({ hasText: '1 change waiting' })
      .waitFor({ timeout: 10_000 })
    await screenshotBoth(page, 'offline-member-profile')

    await page.context().setOffline(false)
    await pollUntil(
      async () =>
        (await stack.upstream('Members Registry', member.id)).fields['About You'] === about,
      'the offline edit in the emulator',
    )
    await page.getByTestId('offline-banner').waitFor({ state: 'detached' })
    await page.getByTestId('sync-banner').waitFor({ state: 'detached' })
    endAllowance()
    await page.locator('dd[data-field="About You"]', { hasText: about }).waitFor()
    const audit = await stack.serviceGet<{ entries: AuditEntry[] }>(
      `/v1/audit?record=${member.id}&limit=1000`,
    )
    // One write accepted by the API and acknowledged by Airtable once (audit `after` is by field ID).
    const accepted = audit.entries.filter(
      (e) => e.action === 'update' && Object.values(e.after ?? {}).includes(about),
    )
    expect(accepted.length, JSON.stringify(accepted)).toBe(1)
    const acks = audit.entries.filter(
      (e) => e.action === 'ack' && e.mutationId === accepted[0]?.mutationId,
    )
    expect(acks.length).toBe(1)
  }, 90_000)

  test('a manual-policy conflict shows on the admin page and is resolved there', async () => {
    const member = await open('member')
    await member.page.goto(`${stack.url}/video-session`)
    await member.page.getByRole('button', { name: 'Complete session' }).waitFor()
    const ref = (await member.page.locator('main h2').innerText()).match(/PR-\d+/)?.[0]
    const session = (await stack.mirror('Presence Operations')).find(
      (s) => s.fields['Booking Ref'] === ref,
    )
    if (session === undefined) throw new Error(`no session ${ref}`)
    const seen = String(session.fields['Booking Status'])
    expect(seen).not.toBe('Completed')

    // The member completes the session offline, from what they saw; meanwhile ops cancel it.
    const endAllowance = member.watch.allow(OFFLINE_NOISE)
    await member.page.context().setOffline(true)
    await member.page.getByTestId('offline-banner').waitFor()
    await member.page.getByRole('button', { name: 'Complete session' }).click()
    await member.page
      .getByTestId('offline-banner')
      .filter({ hasText: '1 change waiting' })
      .waitFor()
    await stack.uiEdit('Presence Operations', {
      id: session.id,
      fields: { 'Booking Status': 'Cancelled' },
    })
    await member.page.context().setOffline(false)
    await member.page.getByTestId('offline-banner').waitFor({ state: 'detached' })
    endAllowance()

    const admin = await open('admin')
    await admin.page.goto(`${stack.url}/admin`)
    const conflict = admin.page.getByTestId('conflict').filter({ hasText: session.id })
    await conflict.waitFor({ timeout: 20_000 })
    const text = await conflict.innerText()
    expect(text).toContain('Booking Status')
    expect(text).toContain('manual')
    expect(text).toContain(seen)
    expect(text).toContain('Completed')
    expect(text).toContain('Cancelled')
    expect((await stack.upstream('Presence Operations', session.id)).fields['Booking Status']).toBe(
      'Cancelled',
    )
    await screenshotBoth(admin.page, 'admin-conflict', { fullPage: true })

    await conflict.getByRole('button', { name: "Keep app's" }).click()
    await conflict.waitFor({ state: 'detached', timeout: 20_000 })
    await pollUntil(
      async () =>
        (await stack.upstream('Presence Operations', session.id)).fields['Booking Status'] ===
        'Completed',
      "the app's value in the emulator",
    )
  }, 90_000)
})
