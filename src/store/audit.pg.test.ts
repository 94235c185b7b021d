import { describe, expect, test } from 'vitest'
import { appendAudit, pruneAuditOlderThan, queryAudit } from './audit.ts'
import { testBackends } from './test-backends.ts'

const BASE = 'appBase000000001'

for (const backend of testBackends()) {
  describe(`${backend.name}: audit log`, () => {
    test('appends in order, filters, pages newest first, and is never edited', async () => {
      await using db = await backend.open()
      await appendAudit(db, [
        {
          baseId: BASE,
          tableId: 'tblMembers000001',
          recordId: 'rec1',
          mutationId: 'mut1',
          actor: 'user-1',
          actorRole: 'member',
          source: 'api',
          action: 'update',
          before: { fldName: 'A' },
          after: { fldName: 'B' },
          outcome: 'committed',
          attempts: 2,
          latencyMs: 251.6,
          at: '2026-01-01T00:00:00.000Z',
        },
        {
          baseId: BASE,
          tableId: 'tblHosts00000001',
          recordId: 'rec9',
          actor: 'airtable',
          source: 'webhook',
          action: 'ingest',
          outcome: 'applied',
          at: '2026-01-02T00:00:00.000Z',
        },
        {
          baseId: BASE,
          tableId: 'tblMembers000001',
          recordId: 'rec1',
          actor: 'user-1',
          source: 'api',
          action: 'delete',
          outcome: 'failed',
          detail: { type: 'ROW_DOES_NOT_EXIST' },
        },
      ])
      const all = await queryAudit(db)
      expect(all.map((e) => e.action)).toEqual(['delete', 'ingest', 'update'])
      expect(all[2]).toMatchObject({
        actorRole: 'member',
        before: { fldName: 'A' },
        after: { fldName: 'B' },
        attempts: 2,
        latencyMs: 252,
        at: '2026-01-01T00:00:00.000Z',
      })
      expect(all[0]?.detail).toEqual({ type: 'ROW_DOES_NOT_EXIST' })
      const ids = async (filter: object): Promise<string[]> =>
        (await queryAudit(db, filter)).map((e) => e.action)
      expect(await ids({ recordId: 'rec1' })).toEqual(['delete', 'update'])
      expect(await ids({ actor: 'airtable' })).toEqual(['ingest'])
      expect(await ids({ mutationId: 'mut1' })).toEqual(['update'])
      expect(await ids({ tableId: 'tblHosts00000001', baseId: BASE })).toEqual(['ingest'])
      expect(
        await ids({ since: '2026-01-01T12:00:00.000Z', until: '2026-01-03T00:00:00.000Z' }),
      ).toEqual(['ingest'])
      expect(await ids({ limit: 1, beforeId: all[0]?.id })).toEqual(['ingest'])
      await expect(db.query(`update audit_log set outcome = 'ok'`)).rejects.toThrow(/append-only/)
      expect(
        await pruneAuditOlderThan(db, { ageMs: 0, nowMs: Date.parse('2026-01-01T12:00:00.000Z') }),
      ).toBe(1)
      expect(await ids({})).toEqual(['delete', 'ingest'])
    })
  })
}
