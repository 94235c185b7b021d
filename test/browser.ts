/**
 * Real Chromium for browser tests: Debian's `chromium` driven by playwright-core (never a
 * browser download). Where it is missing, browser suites are skipped and say so loudly; CI
 * installs it (.ci/run), so CI never skips them.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser, type LaunchOptions } from 'playwright-core'
import { describe } from 'vitest'

/** Where Debian puts Chromium; `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

/** Whether this machine can run the browser tests. */
export const hasChromium = existsSync(CHROMIUM_PATH)

/**
 * `describe` for a browser suite: skipped, with a loud warning, when Chromium is missing.
 * @example describeBrowser('offline queue in Chromium', () => { ... })
 */
export function describeBrowser(name: string, body: () => void): void {
  if (!hasChromium) {
    console.warn(
      `\n*** SKIPPED browser suite "${name}": no Chromium at ${CHROMIUM_PATH}. ` +
        "Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH. ***\n",
    )
    describe.skip(name, body)
    return
  }
  describe(name, body)
}

/** Launches headless Chromium; close it in afterAll. */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Containers and CI run as root without a user namespace sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    ...options,
  })
}
