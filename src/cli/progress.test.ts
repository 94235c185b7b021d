import { describe, expect, test } from 'vitest'
import { createProgressDisplay, renderProgress } from './progress.ts'

describe('full sync progress', () => {
  test('the line sums records, counts finished tables, names the unfinished ones', () => {
    const line = renderProgress(
      [
        { name: 'Members', fetched: 500, done: true },
        { name: 'Sessions', fetched: 1200, done: false },
      ],
      2_000,
    )
    expect(line).toBe('syncing 1/2 tables  1700 records  850/s  Sessions 1200')
    expect(
      renderProgress([{ name: 'x'.repeat(200), fetched: 1, done: false }], 0, 40),
    ).toHaveLength(40)
  })

  test('without a terminal, one line per finished table and a summary', () => {
    const lines: string[] = []
    let t = 0
    const show = createProgressDisplay({ line: (l) => lines.push(l) }, () => t)
    show({ type: 'schema', tables: [{ tableId: 'tblA', tableName: 'A' }] })
    show({
      type: 'page',
      tableId: 'tblA',
      tableName: 'A',
      fetched: 100,
      pages: 1,
      restarted: false,
    })
    show({ type: 'page', tableId: 'tblA', tableName: 'A', fetched: 100, pages: 2, restarted: true })
    t = 1500
    show({
      type: 'table-done',
      tableId: 'tblA',
      tableName: 'A',
      records: 150,
      deleted: 2,
      durationMs: 1500,
    })
    show({ type: 'done', records: 150, pages: 3, durationMs: 1500 })
    expect(lines).toEqual([
      '  A: offset expired, restarted',
      '  A: 150 records, 2 deleted in 1.5 s',
      'synced 150 records (3 pages) in 1.5 s',
    ])
  })

  test('on a terminal, the line is redrawn in place', () => {
    const drawn: string[] = []
    const show = createProgressDisplay(
      { line: () => undefined, redraw: (l) => drawn.push(l) },
      () => 1000,
    )
    show({ type: 'schema', tables: [{ tableId: 'tblA', tableName: 'A' }] })
    expect(drawn).toEqual(['syncing 0/1 tables  0 records  0/s  A 0'])
  })
})
