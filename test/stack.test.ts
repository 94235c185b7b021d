/** The acceptance harness itself: the stack starts, syncs the Presence base and stops cleanly. */
import { expect, test } from 'vitest'
import { startStack } from './stack.ts'

test('startStack: ready after the first full sync, every Presence table mirrored', async () => {
  await using stack = await startStack()
  const status = (await (
    await stack.request('/v1/status', { token: stack.serviceKey })
  ).json()) as {
    ready: boolean
    tables: { name: string; rows: number }[]
  }
  expect(status.ready).toBe(true)
  const rows = Object.fromEntries(status.tables.map((t) => [t.name, t.rows]))
  expect(rows).toMatchObject({
    'Members Registry': 500,
    'Hosts Registry': 60,
    'Presence Operations': 3000,
    Templates: 20,
    'Help Desk Prompts': 40,
    Likes: 1500,
  })
  // The sync went through the emulator: its counters saw list requests.
  expect(await stack.emulator.requestCount()).toBeGreaterThan(50)
}, 180_000)
