/**
 * The queue lock's BroadcastChannel fallback (coordination.ts `leaseLock`, for browsers without
 * Web Locks), with Node's BroadcastChannel: tabs agree on one holder, and when the holder goes
 * the next tab takes over. (The Web Lock is exercised in Chromium: sdk.browser.test.ts.)
 */
import { afterEach, expect, test } from 'vitest'
import { leaseLock, type TabLock } from './coordination.ts'

const started: TabLock[] = []
afterEach(() => {
  for (const lock of started.splice(0)) lock.stop()
})

function tab(name: string): { lock: TabLock; acquired: () => number } {
  const lock = leaseLock(name, { beatMs: 40 })
  let count = 0
  lock.start(() => count++)
  started.push(lock)
  return { lock, acquired: () => count }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(check()).toBe(true)
}

test('three tabs settle on one holder; when it stops, exactly one other takes over', async () => {
  const name = `lease-${Math.random()}`
  const tabs = [tab(name), tab(name), tab(name)]
  const holders = (): TabLock[] => tabs.map((t) => t.lock).filter((l) => l.isHolder())
  await until(() => holders().length === 1)
  // Stays settled over many beats.
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 40))
    expect(holders()).toHaveLength(1)
  }
  const first = holders()[0]!
  const rest = tabs.filter((t) => t.lock !== first)
  const before = rest.map((t) => t.acquired())
  first.stop()
  await until(() => rest.filter((t) => t.lock.isHolder()).length === 1)
  // The new holder was told (it flushes the queue on that call); the other was not.
  const told = rest.map((t, i) => t.acquired() - (before[i] ?? 0))
  expect(told.sort()).toEqual([0, 1])
  expect(rest.find((t) => t.lock.isHolder())?.acquired()).toBeGreaterThan(0)
  expect(first.isHolder()).toBe(false)
})
