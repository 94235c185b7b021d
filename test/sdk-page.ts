/**
 * A page with the SDK, for the Chromium tests of src/client: the SDK bundled with esbuild
 * (test/sdk-bundle.ts, unminified) and served under `/__sdk/` *at the airsync server's own
 * origin* by Playwright routes, so the page's API calls are same-origin and reach the real
 * server (no CORS), and IndexedDB, Web Locks and BroadcastChannel are shared by the context's
 * pages as by a real app's tabs. The routes answer while the context is offline, so a page
 * reloads offline as an installed PWA would (from its service worker). The bundle is set on
 * `globalThis.airsync` (`typeof import('airsync/client')`).
 */
import type { BrowserContext, Page } from 'playwright-core'
import { buildSdkBundle } from './sdk-bundle.ts'

/** The global the page's SDK module is set on. */
export const SDK_GLOBAL = 'airsync'

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>airsync SDK</title>
<script type="module" src="/__sdk/index.js"></script></head><body></body></html>`

let built: ReturnType<typeof buildSdkBundle> | undefined

/** Serves the SDK page in `context` at `origin`; returns the page's URL. */
export async function serveSdkPage(context: BrowserContext, origin: string): Promise<string> {
  built ??= buildSdkBundle({ minify: false, globalName: SDK_GLOBAL })
  const { files } = await built
  const byPath = new Map(files.map((f) => [`/__sdk/${f.name}`, f.contents]))
  await context.route(`${origin}/__sdk/**`, async (route) => {
    const pathname = new URL(route.request().url()).pathname
    if (pathname === '/__sdk/' || pathname === '/__sdk/index.html') {
      await route.fulfill({ contentType: 'text/html; charset=utf-8', body: PAGE_HTML })
      return
    }
    const contents = byPath.get(pathname)
    if (contents === undefined) await route.fulfill({ status: 404, body: 'not found' })
    else await route.fulfill({ contentType: 'text/javascript', body: Buffer.from(contents) })
  })
  return `${origin}/__sdk/index.html`
}

/** Opens (or reloads) the SDK page and waits until the SDK module has loaded. */
export async function openSdkPage(page: Page, url: string): Promise<Page> {
  if (page.url() === url) await page.reload()
  else await page.goto(url)
  await page.waitForFunction((name) => name in globalThis, SDK_GLOBAL)
  return page
}
