import { describe, expect, test } from 'vitest'
import { getConflict, listConflicts, recordConflict, resolveConflict } from './conflicts.ts'
import { testBackends } from './test-backends.ts'

const BASE = 'appBase000000001'
const common = { baseId: BASE, tableId: 'tblMembers000001', recordId: 'rec1' }

for (const backend of testBackends()) {
  describe(`${backend.name}: conflicts`, () => {
    test('recorded open or settled, listed, resolved once', async () => {
      await using db = await backend.open()
      await recordConflict(db, {
        ...common,
        id: 'cfl1',
        mutationId: 'mut1',
        fieldIds: ['fldBio'],
        baseValues: { fldBio: 'a' },
        localValues: { fldBio: 'b' },
        remoteValues: { fldBio: 'c' },
        policy: 'manual',
      })
      await recordConflict(db, {
        ...common,
        id: 'cfl2',
        recordId: 'rec2',
        fieldIds: ['fldTags'],
        baseValues: {},
        localValues: { fldTags: ['x'] },
        remoteValues: { fldTags: ['y'] },
        policy: 'merge-sets',
        status: 'resolved',
        resolution: 'merged',
        resolvedValues: { fldTags: ['x', 'y'] },
        resolvedBy: 'policy',
      })
      expect((await listConflicts(db, { baseId: BASE, status: 'open' })).map((c) => c.id)).toEqual([
        'cfl1',
      ])
      expect(
        (await listConflicts(db, { baseId: BASE, recordId: 'rec2' })).map((c) => c.id),
      ).toEqual(['cfl2'])
      expect(await listConflicts(db, { baseId: 'appOther00000001' })).toEqual([])
      const settled = await getConflict(db, 'cfl2')
      expect(settled).toMatchObject({
        status: 'resolved',
        resolvedValues: { fldTags: ['x', 'y'] },
        resolvedBy: 'policy',
      })
      expect(settled?.resolvedAt).toBeDefined()

      const resolve = {
        id: 'cfl1',
        resolution: 'local',
        resolvedValues: { fldBio: 'b' },
        resolvedBy: 'admin-1',
      }
      expect(await resolveConflict(db, resolve)).toBe(true)
      expect(await resolveConflict(db, { ...resolve, resolution: 'remote' })).toBe(false)
      expect(await getConflict(db, 'cfl1')).toMatchObject({
        status: 'resolved',
        resolution: 'local',
        baseValues: { fldBio: 'a' },
        localValues: { fldBio: 'b' },
        remoteValues: { fldBio: 'c' },
        mutationId: 'mut1',
      })
      expect(await getConflict(db, 'cflNope')).toBeUndefined()
    })
  })
}
