import { describe, expect, test } from 'vitest'
import type { SyncProgressEvent } from '../server/index.ts'
import { createProgressDisplay, renderProgress } from './progress.ts'

const table = (name: string, fetched: number, stage: 'records' | 'views' | 'done') => ({
  name,
  fetched,
  recordsDone: stage !== 'records',
  done: stage === 'done',
})

const page = (fetched: number, restarted = false): SyncProgressEvent => ({
  type: 'page',
  tableId: 'tblA',
  tableName: 'A',
  fetched,
  pages: 1,
  restarted,
})

describe('full sync progress', () => {
  test('the line sums records, counts tables whose records are in, names the others', () => {
    const line = renderProgress(
      [table('Members', 500, 'views'), table('Sessions', 1200, 'records')],
      2_000,
    )
    expect(line).toBe('syncing 1/2 tables  1700 records  850/s  Sessions 1200')
    expect(renderProgress([table('x'.repeat(200), 1, 'records')], 0, 40)).toHaveLength(40)
  })

  test('once every table’s records are in, it counts views', () => {
    const line = renderProgress(
      [table('Members', 500, 'done'), table('Sessions', 1200, 'views')],
      1_000,
    )
    expect(line).toBe('ordering views 1/2 tables  1700 records  1700/s  ')
  })

  test('without a terminal: a line per table’s records, "so far" lines when quiet, a summary', () => {
    const lines: string[] = []
    let t = 0
    const show = createProgressDisplay({ line: (l) => lines.push(l) }, () => t)
    show({ type: 'schema', tables: [{ tableId: 'tblA', tableName: 'A' }] })
    show(page(100))
    show(page(100, true))
    t = 12_000
    show(page(140))
    t = 13_000
    show(page(145))
    t = 15_000
    show({
      type: 'records-done',
      tableId: 'tblA',
      tableName: 'A',
      records: 150,
      deleted: 2,
      durationMs: 15_000,
    })
    show({
      type: 'table-done',
      tableId: 'tblA',
      tableName: 'A',
      records: 150,
      deleted: 2,
      durationMs: 15_500,
    })
    show({ type: 'done', records: 150, pages: 3, durationMs: 15_500 })
    expect(lines).toEqual([
      '  A: offset expired, restarted',
      '  … syncing 0/1 tables  140 records  12/s  A 140',
      '  A: 150 records, 2 deleted in 15.0 s',
      'synced 150 records (3 pages) in 15.5 s',
    ])
  })

  test('on a terminal, the line is redrawn in place and counts a table once its records are in', () => {
    const drawn: string[] = []
    const show = createProgressDisplay(
      { line: () => undefined, redraw: (l) => drawn.push(l) },
      () => 1000,
    )
    show({
      type: 'schema',
      tables: [
        { tableId: 'tblA', tableName: 'A' },
        { tableId: 'tblB', tableName: 'B' },
      ],
    })
    show({
      type: 'records-done',
      tableId: 'tblA',
      tableName: 'A',
      records: 3,
      deleted: 0,
      durationMs: 5,
    })
    expect(drawn.filter((l) => l !== '')).toEqual([
      'syncing 0/2 tables  0 records  0/s  A 0 · B 0',
      'syncing 1/2 tables  3 records  0/s  B 0',
    ])
  })
})
