/**
 * Pages left open stay quiet: every route, opened as the demo member, the demo host and the
 * operations admin in real Chromium against the stack `airsync start` runs, sends at most two
 * requests (besides its `/v1/events` stream) during 20 s of idleness after it has loaded. All
 * routes idle at once, each in its own tab, so the suite costs one idle period, not one per route.
 * Counting requests is a count, not a timing claim: a render or retry loop sends hundreds.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { describeBrowser, launchChromium } from '../browser.ts'
import { pollUntil, screenshotBoth, signIn, watchPage, type PageWatch } from './app-page.ts'
import { startAppStack, type StartedStack } from './start-stack.ts'

/** How long each page is left alone, in ms. */
const IDLE_MS = 20_000

/** What a quiet page may send while idle (besides its change stream). */
const MAX_IDLE_REQUESTS = 2

/** The admin page polls each of its panels; this many polls per panel in the idle period. */
const ADMIN_POLLS_PER_PANEL = Math.ceil(IDLE_MS / 5_000) + 1

/** Every page of each role, as the app's navigation lists them (components/layout.tsx). */
const ROUTES = {
  member: [
    '/member-dashboard',
    '/host-selection',
    '/video-session',
    '/member-profile',
    '/member-preferences',
    '/help',
  ],
  host: ['/host-dashboard', '/video-session', '/help'],
  admin: ['/admin', '/help'],
} as const

type Role = keyof typeof ROUTES

/** Routes photographed after idling, to check they still show data. */
const SCREENSHOT_ROUTES = new Set([
  '/member-dashboard',
  '/host-selection',
  '/host-dashboard',
  '/admin',
])

/** One open route and what it sent since it loaded. */
interface IdlePage {
  name: string
  role: Role
  route: string
  context: BrowserContext
  page: Page
  watch: PageWatch
  /** `METHOD path` of each request after load, the change stream excepted. */
  requests: string[]
  /** Why the route did not load, if it did not (counting starts anyway). */
  loadError: string | undefined
}

/** Resolves once the route's heading is up and no list on it is still loading. */
async function loaded(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor()
  await pollUntil(
    async () =>
      (await page
        .locator('main')
        .getByText(/^Loading\b/)
        .count()) === 0,
    `${page.url()}: every list loaded`,
  )
}

/**
 * Opens `route` in a fresh signed-in context (its own connections: Chromium allows six per origin
 * and each tab holds one for its stream), waits for it to load, then counts its requests for
 * IDLE_MS.
 */
async function idleOn(
  browser: Browser,
  target: { url: string; role: Role; route: string },
): Promise<IdlePage> {
  const { url, role, route } = target
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  const page = await context.newPage()
  await signIn(page, url, role)
  const watch = watchPage(page)
  const requests: string[] = []
  let counting = false
  page.on('request', (request) => {
    const { pathname, search } = new URL(request.url())
    if (counting && pathname !== '/v1/events')
      requests.push(`${request.method()} ${pathname}${search}`)
  })
  await page.goto(`${url}${route}`)
  const loadError = await loaded(page).then(
    () => undefined,
    async (error: unknown) => `${role} ${String(error)}: ${await page.locator('main').innerText()}`,
  )
  counting = true
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
  counting = false
  const name = `idle-${role}${route.replaceAll('/', '-')}`
  return { name, role, route, context, page, watch, requests, loadError }
}

describeBrowser('idle pages in Chromium (airsync start stack)', () => {
  let stack: StartedStack
  let browser: Browser
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    ;[stack, browser] = await Promise.all([
      // One stream per open tab: the member has six routes open at once.
      startAppStack({ env: { AIRSYNC_EVENTS_MAX_STREAMS_PER_USER: '10' } }),
      launchChromium(),
    ])
  }, 180_000)
  afterAll(async () => {
    for (const context of contexts) await context.close()
    await browser?.close()
    await stack?.close()
  })

  test('every route of member, host and admin sends at most 2 requests in 20 s idle', async () => {
    const targets = (Object.keys(ROUTES) as Role[]).flatMap((role) =>
      ROUTES[role].map((route) => ({ url: stack.url, role, route })),
    )
    const pages = await Promise.all(targets.map((target) => idleOn(browser, target)))
    contexts.push(...pages.map((p) => p.context))

    const counts = Object.fromEntries(pages.map((p) => [p.name, p.requests.length]))
    console.info(counts)
    expect(pages.filter((p) => p.loadError !== undefined).map((p) => p.loadError)).toEqual([])
    const over = pages.filter((p) =>
      p.route === '/admin' ? adminOverBudget(p.requests) : p.requests.length > MAX_IDLE_REQUESTS,
    )
    expect(
      over.map((p) => p.name),
      JSON.stringify(
        Object.fromEntries(over.map((p) => [p.name, p.requests.slice(0, 20)])),
        null,
        1,
      ),
    ).toEqual([])
    for (const p of pages) {
      expect(await p.page.getByText(/Could not load/).count(), p.name).toBe(0)
      expect(p.watch.errors, p.name).toEqual([])
    }
    for (const p of pages.filter((p) => SCREENSHOT_ROUTES.has(p.route))) {
      await screenshotBoth(p.page, p.name)
    }
  }, 120_000)
})

/** True when some admin panel was fetched more often than its polling admits. */
function adminOverBudget(requests: readonly string[]): boolean {
  const perPath = new Map<string, number>()
  for (const request of requests) {
    const path = request.split('?')[0] ?? request
    perPath.set(path, (perPath.get(path) ?? 0) + 1)
  }
  return [...perPath.values()].some((count) => count > ADMIN_POLLS_PER_PANEL)
}
