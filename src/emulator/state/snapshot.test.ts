import { describe, expect, test } from 'vitest'
import { ManualClock } from '../../shared/index.ts'
import { EmulatedBase } from './base.ts'
import { API, byName, makeBase } from './testing.ts'

describe('snapshot', () => {
  test('round trip through JSON keeps schema, views, records, order, counters and tx number', () => {
    const { base } = makeBase()
    base.addView('People', {
      name: 'Adults',
      filterByFormula: '{Age} >= 18',
      sort: [{ field: 'Age', direction: 'desc' }],
    })
    const [p] = base.create(
      'People',
      [{ fields: { Name: 'Ada', Age: 40 } }, { fields: { Name: 'Kid', Age: 3 } }],
      API,
    )
    base.create('Sessions', [{ fields: { Ref: 's1', Person: [p!.id], Amount: 3 } }], API)
    const json = JSON.parse(JSON.stringify(base.toSnapshot())) as unknown
    const clock = new ManualClock(Date.UTC(2026, 5, 1))
    const restored = EmulatedBase.fromSnapshot(json, { clock })

    expect(restored.id).toBe(base.id)
    expect(restored.schema()).toEqual(base.schema())
    expect(restored.views('People')).toEqual(base.views('People'))
    expect(restored.transactionNumber).toBe(base.transactionNumber)
    expect(restored.list('People')).toEqual(base.list('People'))
    expect(restored.list('People', { view: 'Adults' }).map((r) => r.id)).toEqual([p!.id])

    // Counters continue; links and computed fields keep working after restore.
    const [s2] = restored.create(
      'Sessions',
      [{ fields: { Ref: 's2', Person: [p!.id], Amount: 4 } }],
      API,
    )
    expect(byName(restored, 'Sessions', s2!)['No']).toBe(2)
    expect(byName(restored, 'People', restored.get('People', p!.id))).toMatchObject({
      'Session Count': 2,
      Total: 7,
    })
    expect(restored.transactionNumber).toBe(base.transactionNumber + 1)
  })

  test('a snapshot is a copy: later writes do not change it', () => {
    const { base } = makeBase()
    const snapshot = base.toSnapshot()
    base.create('People', [{ fields: { Name: 'A' } }], API)
    expect(snapshot.tables[0]!.records).toHaveLength(0)
  })

  test('a malformed snapshot is refused', () => {
    expect(() => EmulatedBase.fromSnapshot({ format: 'nope' })).toThrow()
  })
})
