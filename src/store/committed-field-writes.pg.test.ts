/**
 * `lastCommittedFieldWrites` (outbox.ts): what airsync itself last wrote to a field, which
 * latest-wins needs to tell its own writes from Airtable's (src/outbox writer-conflicts.ts).
 */
import { expect, test } from 'vitest'
import {
  enqueueMutations,
  getMutations,
  lastCommittedFieldWrites,
  updateMutation,
  type MutationInput,
} from './outbox.ts'
import { testBackends } from './test-backends.ts'

const BASE = 'appBase000000001'
const TABLE = 'tblSessions00001'

function update(id: string, recordId: string, fields: MutationInput['fields']): MutationInput {
  return { mutationId: id, baseId: BASE, tableId: TABLE, recordId, op: 'update', fields }
}

for (const backend of testBackends()) {
  test(`${backend.name}: the latest committed write of each field asked, in one query`, async () => {
    await using db = await backend.open()
    await enqueueMutations(db, [
      update('mut1', 'rec1', { fldA: 'a1', fldB: 'b1' }),
      update('mut2', 'rec1', { fldA: 'a2' }),
      // Not committed yet: not airsync's write as far as Airtable is concerned.
      update('mut3', 'rec1', { fldA: 'a3' }),
      update('mut4', 'rec2', { fldA: null }),
      { ...update('mut5', 'rec2', { fldA: 'other base' }), baseId: 'appOther00000001' },
      update('mut6', 'rec3', { fldA: 'failed' }),
    ])
    for (const id of ['mut1', 'mut2', 'mut4', 'mut5']) {
      await updateMutation(db, id, { state: 'committed', committedAt: new Date().toISOString() })
    }
    await updateMutation(db, 'mut6', { state: 'failed' })
    const created = new Map(
      (await getMutations(db, ['mut2', 'mut1', 'mut4'])).map((m) => [m.mutationId, m.createdAt]),
    )

    const writes = await lastCommittedFieldWrites(db, {
      baseId: BASE,
      fields: [
        { tableId: TABLE, recordId: 'rec1', fieldId: 'fldA' },
        { tableId: TABLE, recordId: 'rec1', fieldId: 'fldB' },
        { tableId: TABLE, recordId: 'rec1', fieldId: 'fldC' },
        { tableId: TABLE, recordId: 'rec2', fieldId: 'fldA' },
        { tableId: TABLE, recordId: 'rec3', fieldId: 'fldA' },
        { tableId: 'tblOther00000001', recordId: 'rec1', fieldId: 'fldA' },
      ],
    })
    const byField = (recordId: string, fieldId: string): unknown =>
      writes.find((w) => w.recordId === recordId && w.fieldId === fieldId)
    expect(writes).toHaveLength(3)
    expect(byField('rec1', 'fldA')).toEqual({
      tableId: TABLE,
      recordId: 'rec1',
      fieldId: 'fldA',
      value: 'a2',
      createdAt: created.get('mut2'),
    })
    expect(byField('rec1', 'fldB')).toMatchObject({ value: 'b1', createdAt: created.get('mut1') })
    // A cleared field was written too (null).
    expect(byField('rec2', 'fldA')).toMatchObject({ value: null, createdAt: created.get('mut4') })
    expect(await lastCommittedFieldWrites(db, { baseId: BASE, fields: [] })).toEqual([])
  })
}
