/**
 * Helpers of the PWA browser tests: a page watcher that fails the test on any console error or
 * page error (with named, temporary allowances, e.g. "network errors while offline"), the demo
 * sign-in, and route screenshots at phone and desktop sizes under test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { PACKAGE_ROOT } from '../../src/cli/commands/web-build.ts'

/** Where route screenshots go. */
const SCREENSHOT_DIR = path.join(PACKAGE_ROOT, 'test-results', 'screenshots')

/** Viewports of the screenshots. */
const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const

/** Console errors and page errors of a page, minus those currently allowed. */
export interface PageWatch {
  readonly errors: string[]
  /** Tolerates console errors matching `pattern` until the returned function is called. */
  allow(pattern: RegExp): () => void
}

/** Records every console error and uncaught page error of `page`. */
export function watchPage(page: Page): PageWatch {
  const errors: string[] = []
  const allowed = new Set<RegExp>()
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const text = message.text()
    if ([...allowed].some((pattern) => pattern.test(text))) return
    errors.push(`console: ${text} (${message.location().url})`)
  })
  page.on('pageerror', (error) =>
    errors.push(`pageerror: ${page.url()} ${error.stack ?? error.message}`),
  )
  return {
    errors,
    allow(pattern) {
      allowed.add(pattern)
      return () => allowed.delete(pattern)
    },
  }
}

/** A fresh context (own storage) at phone size, with one watched page. */
export async function openApp(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ viewport: VIEWPORTS.phone })
  const page = await context.newPage()
  return { context, page, watch: watchPage(page) }
}

const DEMO_BUTTONS = { member: 'Demo member', host: 'Demo host', admin: 'Operations' } as const

/** Signs in through the demo sign-in page and waits for the role's first page. */
export async function signIn(
  page: Page,
  url: string,
  role: keyof typeof DEMO_BUTTONS,
): Promise<void> {
  await page.goto(`${url}/`)
  await page.getByRole('button', { name: new RegExp(DEMO_BUTTONS[role]) }).click()
  await page.getByRole('navigation', { name: 'Pages' }).waitFor()
}

/**
 * Saves the page at phone and desktop size as `<name>-phone.png` and `<name>-desktop.png`; the
 * viewport only unless `fullPage`.
 */
export async function screenshotBoth(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport)
    const file = path.join(SCREENSHOT_DIR, `${name}-${size}.png`)
    await page.screenshot({ path: file, fullPage: options.fullPage === true })
  }
  await page.setViewportSize(VIEWPORTS.phone)
}

/** Polls `check` until true or `timeoutMs` passes (a deadline on a wait, not a timing claim). */
export async function pollUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
