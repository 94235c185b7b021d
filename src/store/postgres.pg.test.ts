import { describe, expect, test } from 'vitest'
import { sleep } from '../shared/index.ts'
import type { Db } from './db.ts'
import { testBackends } from './test-backends.ts'

const postgres = testBackends().find((b) => b.name === 'postgres')

/** Ends this store's server sessions whose last statement was `query`. */
async function terminate(db: Db, query: string): Promise<number> {
  const rows = await db.query<{ ok: boolean }>(
    `select pg_terminate_backend(pid) as ok from pg_stat_activity
     where query = $1 and application_name = 'airsync:' || current_schema()
       and pid <> pg_backend_pid()`,
    [query],
  )
  return rows.length
}

describe.runIf(postgres !== undefined)('postgres: connection loss', () => {
  test('the LISTEN connection comes back and listens again after being killed', async () => {
    await using db = await postgres!.open()
    const [{ schema } = { schema: '' }] = await db.query<{ schema: string }>(
      'select current_schema() as schema',
    )
    const heard: string[] = []
    await db.listen('airsync_changes', (payload) => heard.push(payload))
    await db.notify('airsync_changes', 'before')
    for (let i = 0; i < 100 && heard.length === 0; i++) await sleep(50)
    expect(heard).toEqual(['before'])
    expect(await terminate(db, `listen "${schema}.airsync_changes"`)).toBe(1)
    // Notifications sent while reconnecting are lost by design; keep sending until one arrives.
    for (let i = 0; i < 200 && !heard.includes('after'); i++) {
      await db.notify('airsync_changes', 'after')
      await sleep(50)
    }
    expect(heard).toContain('after')
  })

  test('an advisory lock whose connection dies says it is lost, and is free again', async () => {
    await using db = await postgres!.open()
    const lock = await db.tryAdvisoryLock('outbox:appBase000000001')
    expect(lock).toBeDefined()
    expect(await terminate(db, 'select pg_try_advisory_lock($1, $2) as ok')).toBeGreaterThanOrEqual(
      1,
    )
    for (let i = 0; i < 200 && lock?.lost.aborted !== true; i++) await sleep(50)
    expect(lock?.lost.aborted).toBe(true)
    await using again = await db.tryAdvisoryLock('outbox:appBase000000001')
    expect(again).toBeDefined()
    await lock?.release()
  })

  test('closing a store frees the locks it holds', async () => {
    await using db = await postgres!.open()
    const peer = await db.openPeer()
    const lock = await peer.tryAdvisoryLock('writer')
    expect(lock).toBeDefined()
    expect(await db.tryAdvisoryLock('writer')).toBeUndefined()
    await peer.close()
    expect(lock?.lost.aborted).toBe(false)
    await using mine = await db.tryAdvisoryLock('writer')
    expect(mine).toBeDefined()
  })
})
