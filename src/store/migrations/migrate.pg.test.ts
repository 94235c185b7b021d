import { describe, expect, test } from 'vitest'
import { MigrationError } from '../errors.ts'
import { testBackends } from '../test-backends.ts'
import { MIGRATIONS, migrate } from './index.ts'

const TABLES = [
  'audit_log',
  'bases',
  'base_sync_state',
  'change_feed',
  'conflicts',
  'feed_head',
  'idempotency',
  'outbox',
  'records',
  'schema_migrations',
  'sync_state',
  'view_records',
]

for (const backend of testBackends()) {
  describe(`${backend.name}: migrations`, () => {
    test('apply every version once, then nothing', async () => {
      await using db = await backend.open({ migrate: false })
      const first = await migrate(db)
      expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version))
      const second = await migrate(db)
      expect(second).toEqual({ applied: [], version: first.version })
      const rows = await db.query<{ table_name: string }>(
        `select table_name from information_schema.tables
         where table_schema = current_schema() order by table_name`,
      )
      expect(rows.map((r) => r.table_name).sort()).toEqual([...TABLES].sort())
    })

    test('concurrent starts apply each version exactly once', async () => {
      await using db = await backend.open({ migrate: false })
      const peers =
        backend.name === 'postgres' ? [await db.openPeer(), await db.openPeer()] : [db, db]
      try {
        const results = await Promise.all([migrate(db), ...peers.map((p) => migrate(p))])
        const applied = results.flatMap((r) => r.applied)
        expect(applied.sort()).toEqual(MIGRATIONS.map((m) => m.version))
        const rows = await db.query<{ n: number }>(
          'select count(*)::int as n from schema_migrations',
        )
        expect(rows[0]?.n).toBe(MIGRATIONS.length)
      } finally {
        if (backend.name === 'postgres') for (const peer of peers) await peer.close()
      }
    })

    test('a failing migration leaves nothing behind', async () => {
      await using db = await backend.open({ migrate: false })
      const broken = [
        ...MIGRATIONS,
        { version: 999, name: 'broken', sql: 'create table half_done (x int); select nope;' },
      ]
      await expect(migrate(db, broken)).rejects.toBeInstanceOf(MigrationError)
      const rows = await db.query(
        `select 1 from information_schema.tables where table_schema = current_schema()
         and table_name in ('half_done', 'records', 'schema_migrations')`,
      )
      expect(rows).toEqual([])
      expect((await migrate(db)).applied).toEqual(MIGRATIONS.map((m) => m.version))
    })

    test('versions out of order are refused', async () => {
      await using db = await backend.open({ migrate: false })
      await expect(migrate(db, [...MIGRATIONS].reverse().concat(MIGRATIONS))).rejects.toThrow(
        /versions must ascend/,
      )
    })

    test('the audit log refuses updates', async () => {
      await using db = await backend.open()
      await db.query(
        `insert into audit_log (source, action, base_id, outcome) values ('api', 'update', 'app1', 'ok')`,
      )
      await expect(db.query(`update audit_log set outcome = 'changed'`)).rejects.toThrow(
        /append-only/,
      )
    })
  })
}
