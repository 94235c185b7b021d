/**
 * Serves the built PWA (dist/web, `npm run build:web`) at `/`: files as they are, and
 * index.html for any other GET that looks like a page (the app's client-side routes). API paths
 * (`/v0`, `/v1`, `/healthz`, `/metrics`) are never answered from here: unknown ones keep the
 * API's JSON 404.
 *
 * Caching: Vite's hashed `/assets/*` are immutable; everything else (index.html, the service
 * worker, the manifest) is revalidated on every load, so a new deploy reaches installed apps.
 * Paths are resolved inside the root only (`..` cannot escape it).
 */
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Context, Hono } from 'hono'
import { NOT_FOUND_BODY } from '../api/index.ts'
import { webSecurityHeaders } from './web-headers.ts'

/** The package's build output of the PWA. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url))

const API_PREFIXES = ['/v0', '/v1', '/healthz', '/metrics']

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

const isApiPath = (path: string): boolean =>
  API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))

/** The file under `root` for a URL path, or undefined when it would leave the root. */
export function resolveWebPath(root: string, urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  const base = resolve(root)
  const file = resolve(join(base, normalize(decoded)))
  return file === base || file.startsWith(base + sep) ? file : undefined
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

async function sendFile(c: Context, file: string): Promise<Response> {
  const body = await readFile(file)
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
  const immutable = file.includes(`${sep}assets${sep}`)
  return c.body(body, 200, {
    'content-type': type,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Presence</title>
<p>The Presence PWA is not built. Run <code>npm run build:web</code> (or <code>npm start</code>,
which builds it) and reload.</p>`

/** Adds the PWA routes to `app`; call after the API is mounted. */
export function serveWeb(app: Hono, options: { root: string }): void {
  const index = join(options.root, 'index.html')
  app.use('*', webSecurityHeaders())
  app.on(['GET', 'HEAD'], '*', async (c) => {
    const path = c.req.path
    if (isApiPath(path)) return c.json(NOT_FOUND_BODY, 404)
    const file = resolveWebPath(options.root, path)
    if (file !== undefined && path !== '/' && (await isFile(file))) return sendFile(c, file)
    // A missing file with an extension is a 404, not the app (a stale asset, a typo).
    if (extname(path) !== '' && path !== '/index.html') return c.text('Not Found', 404)
    if (!existsSync(index)) return c.html(NOT_BUILT, 503)
    return sendFile(c, index)
  })
}
