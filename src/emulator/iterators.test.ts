import { describe, expect, test } from 'vitest'
import { ManualClock } from '../shared/clock.ts'
import { newId } from '../protocol/ids.ts'
import { IteratorStore } from './iterators.ts'
import { EmulatorError } from './state/types.ts'

const ids = Array.from({ length: 5 }, () => newId('rec'))

const errorType = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (error) {
    return error instanceof EmulatorError ? error.type : 'other'
  }
  return undefined
}

describe('IteratorStore', () => {
  test('walks pages and omits the offset after the last one', () => {
    const store = new IteratorStore({ clock: new ManualClock(), ttlMs: 1000 })
    const first = store.start('k', ids)
    const offset = store.offsetAfter(first, 2)
    expect(offset).toMatch(/^itr[A-Za-z0-9]{14}\/rec[A-Za-z0-9]{14}$/)
    const second = store.resume('k', offset!)
    expect(second.start).toBe(2)
    expect(store.offsetAfter(second, 5)).toBeUndefined()
  })

  test('expires after inactivity', () => {
    const clock = new ManualClock()
    const store = new IteratorStore({ clock, ttlMs: 1000 })
    const offset = store.offsetAfter(store.start('k', ids), 1)!
    clock.advance(999)
    const offset2 = store.offsetAfter(store.resume('k', offset), 2)!
    clock.advance(1000)
    expect(errorType(() => store.resume('k', offset2))).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE')
  })

  test('garbage offsets are INVALID_OFFSET_VALUE, other queries unavailable', () => {
    const store = new IteratorStore({ clock: new ManualClock(), ttlMs: 1000 })
    const offset = store.offsetAfter(store.start('k', ids), 1)!
    expect(errorType(() => store.resume('k', 'garbage'))).toBe('INVALID_OFFSET_VALUE')
    expect(errorType(() => store.resume('other', offset))).toBe(
      'LIST_RECORDS_ITERATOR_NOT_AVAILABLE',
    )
    store.expireAll()
    expect(errorType(() => store.resume('k', offset))).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE')
  })
})
