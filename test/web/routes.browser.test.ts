/**
 * Issue 7, done means 1 and 3, in real Chromium against the stack `airsync start` runs: every
 * route shows the seeded data of the demo member, host and admin (compared with what the
 * emulator holds), with screenshots at phone and desktop sizes; a profile edit made with the
 * keyboard lands in the emulator; an edit made in the emulator shows on the open host-selection
 * page without a reload. Any console error or page error fails the test.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { DEMO_HOST_EMAIL, DEMO_MEMBER_EMAIL } from '../../src/emulator/index.ts'
import { describeBrowser, launchChromium } from '../browser.ts'
import { findSecrets } from './bundle-secrets.ts'
import { openApp, pollUntil, screenshotBoth, signIn, type PageWatch } from './app-page.ts'
import { startAppStack, type StartedStack } from './start-stack.ts'

type Row = { id: string; fields: Record<string, unknown> }

const includesEmail = (value: unknown, email: string): boolean =>
  Array.isArray(value) ? value.includes(email) : value === email

/**
 * Booking refs (PR-…) shown in the page's main area, once a first one is there: lists load after
 * the headings and counts (a CI run read the host dashboard before its sessions came).
 */
async function shownRefs(page: Page): Promise<string[]> {
  await page
    .locator('main')
    .getByText(/PR-\d+/)
    .first()
    .waitFor()
  return (await page.locator('main').innerText()).match(/PR-\d+/g) ?? []
}

describeBrowser('Presence PWA routes in Chromium (airsync start stack)', () => {
  let stack: StartedStack
  let browser: Browser
  let context: BrowserContext | undefined
  let watch: PageWatch | undefined

  beforeAll(async () => {
    ;[stack, browser] = await Promise.all([startAppStack(), launchChromium()])
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await stack?.close()
  })
  afterEach(async () => {
    const errors = watch?.errors ?? []
    await context?.close()
    context = undefined
    watch = undefined
    expect(errors).toEqual([])
  })

  async function open(role: 'member' | 'host' | 'admin'): Promise<Page> {
    const opened = await openApp(browser)
    context = opened.context
    watch = opened.watch
    await signIn(opened.page, stack.url, role)
    return opened.page
  }

  async function mirrorOne(table: string, email: string): Promise<Row> {
    const row = (await stack.mirror(table)).find((r) => r.fields['Email'] === email)
    if (row === undefined) throw new Error(`no ${email} in ${table}`)
    return row
  }

  test("the bundle this stack serves holds none of the stack's secrets", async () => {
    const { airtableToken, serviceKey, jwtSecret } = stack.secrets
    expect(await findSecrets(stack.webDir, [airtableToken, serviceKey, jwtSecret])).toEqual([])
  })

  test('sign-in page lists the demo accounts', async () => {
    const opened = await openApp(browser)
    context = opened.context
    watch = opened.watch
    await opened.page.goto(`${stack.url}/`)
    for (const name of ['Demo member', 'Demo host', 'Operations']) {
      await expect(
        opened.page.getByRole('button', { name: new RegExp(name) }).count(),
      ).resolves.toBe(1)
    }
    await screenshotBoth(opened.page, 'sign-in')
  })

  test("every member route shows the demo member's seeded data", async () => {
    const member = await mirrorOne('Members Registry', DEMO_MEMBER_EMAIL)
    const sessions = (await stack.mirror('Presence Operations')).filter((s) =>
      includesEmail(s.fields['Member Email'], DEMO_MEMBER_EMAIL),
    )
    const myRefs = new Set(sessions.map((s) => s.fields['Booking Ref']))
    const fullName = String(member.fields['Full Name'])
    const page = await open('member')

    await page.goto(`${stack.url}/member-dashboard`)
    await page.getByRole('heading', { name: fullName }).waitFor()
    await page.getByRole('heading', { name: /Upcoming sessions/ }).waitFor()
    const dashboardRefs = await shownRefs(page)
    expect(dashboardRefs.length).toBeGreaterThan(0)
    expect(dashboardRefs.filter((ref) => !myRefs.has(ref))).toEqual([])
    await screenshotBoth(page, 'member-dashboard')

    await page.goto(`${stack.url}/member-profile`)
    const field = (name: string) => page.locator(`dd[data-field="${name}"]`)
    await expect(field('Full Name').innerText()).resolves.toBe(fullName)
    await expect(field('Email').innerText()).resolves.toBe(DEMO_MEMBER_EMAIL)
    await expect(field('Country').innerText()).resolves.toBe(String(member.fields['Country']))
    await screenshotBoth(page, 'member-profile')

    await page.goto(`${stack.url}/member-preferences`)
    const languages = page.getByRole('group', { name: 'Host languages' })
    await languages.waitFor()
    const pressed = await languages.locator('button[aria-pressed="true"]').allInnerTexts()
    expect(pressed.toSorted()).toEqual(
      ((member.fields['Preferred Host Languages'] as string[] | undefined) ?? []).toSorted(),
    )
    await screenshotBoth(page, 'member-preferences')

    const activeHosts = (await stack.mirror('Hosts Registry')).filter(
      (h) => h.fields['Verification Status'] === 'Verified' && h.fields['Host Status'] === 'Active',
    )
    await page.goto(`${stack.url}/host-selection`)
    await pollUntil(
      async () => (await page.getByTestId('host').count()) === activeHosts.length,
      'every active host listed',
    )
    const names = await page.getByTestId('host-name').allInnerTexts()
    expect(names.toSorted()).toEqual(
      activeHosts.map((h) => String(h.fields['Full Name'])).toSorted(),
    )
    await screenshotBoth(page, 'host-selection')

    await page.goto(`${stack.url}/video-session`)
    await page.getByRole('button', { name: 'Join' }).waitFor()
    const sessionRefs = await shownRefs(page)
    expect(sessionRefs.length).toBe(1)
    expect(myRefs.has(sessionRefs[0])).toBe(true)
    await screenshotBoth(page, 'video-session-member')

    const prompts = (await stack.mirror('Help Desk Prompts')).filter(
      (p) => p.fields['Active Status'] === true,
    )
    await page.goto(`${stack.url}/help`)
    const tabs = page.getByRole('tablist', { name: 'Help categories' }).getByRole('tab')
    await tabs.first().waitFor()
    const shownCounts = Object.fromEntries(
      (await tabs.allInnerTexts()).map((t) => {
        const [, name = '', count = ''] = /^(.*?)\s+(\d+)$/s.exec(t.trim()) ?? []
        return [name.trim(), Number(count)]
      }),
    )
    const counts: Record<string, number> = {}
    for (const p of prompts) {
      const category = String(p.fields['Category'])
      counts[category] = (counts[category] ?? 0) + 1
    }
    expect(shownCounts).toEqual(counts)
    await screenshotBoth(page, 'help')
  })

  test("the host's dashboard and session show the demo host's seeded data", async () => {
    const host = await mirrorOne('Hosts Registry', DEMO_HOST_EMAIL)
    const sessions = (await stack.mirror('Presence Operations')).filter((s) =>
      includesEmail(s.fields['Host Email'], DEMO_HOST_EMAIL),
    )
    const refs = new Set(sessions.map((s) => s.fields['Booking Ref']))
    const page = await open('host')

    await page.goto(`${stack.url}/host-dashboard`)
    await page.getByTestId('completed').waitFor()
    await expect(page.getByTestId('completed').innerText()).resolves.toBe(
      String(host.fields['Completed Sessions']),
    )
    await expect(page.getByTestId('likes').innerText()).resolves.toBe(
      String((host.fields['Likes'] as unknown[] | undefined)?.length ?? 0),
    )
    const shown = await shownRefs(page)
    expect(shown.length).toBeGreaterThan(0)
    expect(shown.filter((ref) => !refs.has(ref))).toEqual([])
    await screenshotBoth(page, 'host-dashboard')

    await page.goto(`${stack.url}/video-session`)
    await page.getByRole('button', { name: 'Join' }).waitFor()
    const sessionRefs = await shownRefs(page)
    expect(sessionRefs.length).toBe(1)
    expect(refs.has(sessionRefs[0])).toBe(true)
    await screenshotBoth(page, 'video-session-host')
  })

  test('the admin page shows sync status of every table and the outbox', async () => {
    const status = await stack.serviceGet<{ tables: { name: string; rows: number }[] }>(
      '/v1/status',
    )
    const page = await open('admin')
    await page.goto(`${stack.url}/admin`)
    await page.getByTestId('sync-ready').waitFor()
    await page.getByTestId('outbox-depth').waitFor()
    const text = await page.locator('main').innerText()
    for (const table of status.tables) expect(text).toContain(table.name)
    await screenshotBoth(page, 'admin')
  })

  test('profile edit with the keyboard only (Tab through the form, Enter submits) lands in the emulator', async () => {
    const page = await open('member')
    await page.goto(`${stack.url}/member-profile`)
    const edit = page.getByRole('button', { name: 'Edit profile' })
    await edit.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('form', { name: 'Edit profile' }).waitFor()
    const focusedName = (): Promise<unknown> =>
      page.evaluate("document.activeElement?.getAttribute('name') ?? null")
    // From the top of the page, Tab until the Country field has focus.
    await page.locator('body').focus()
    for (let i = 0; i < 40 && (await focusedName()) !== 'Country'; i++) {
      await page.keyboard.press('Tab')
    }
    expect(await focusedName()).toBe('Country')
    const country = `Keyboardia ${Date.now()}`
    await page.keyboard.press('ControlOrMeta+A')
    await page.keyboard.type(country)
    await page.keyboard.press('Enter')
    await page.locator('dd[data-field="Country"]', { hasText: country }).waitFor()
    const me = await mirrorOne('Members Registry', DEMO_MEMBER_EMAIL)
    await pollUntil(
      async () => (await stack.upstream('Members Registry', me.id)).fields['Country'] === country,
      'the edit in the emulator',
    )
  })

  test('an edit in the emulator shows on the open host-selection page within 2 s, without a reload', async () => {
    const page = await open('member')
    await page.goto(`${stack.url}/host-selection`)
    await page.getByTestId('host').first().waitFor()
    let navigations = 0
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++
    })
    await page.evaluate('window.__noReload = true')
    const hostId = await page.getByTestId('host').first().getAttribute('data-host-id')
    if (hostId === null) throw new Error('no host id')
    const name = `Live Edit ${Date.now()}`
    await stack.uiEdit('Hosts Registry', { id: hostId, fields: { 'Full Name': name } })
    await pollUntil(
      async () =>
        (await page.locator(`[data-host-id="${hostId}"] [data-testid="host-name"]`).innerText()) ===
        name,
      'the edited host name on the page',
      2_000,
    )
    expect(navigations).toBe(0)
    expect(await page.evaluate('window.__noReload')).toBe(true)
  })
})
