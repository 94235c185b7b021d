import { describe, expect, test } from 'vitest'
import { replaceTempLinks, tempLinksOf } from './temp-links.ts'

const TMP_A = 'tmpAAAAAAAAAAAAAA'
const TMP_B = 'tmpBBBBBBBBBBBBBB'
const REC_A = 'recAAAAAAAAAAAAAA'

describe('tempLinksOf', () => {
  test.each([
    [
      'link cells, each ID once',
      { fL: [TMP_A, REC_A, TMP_A], fM: [TMP_B] },
      undefined,
      [TMP_A, TMP_B],
    ],
    ['only the link fields given', { fL: [TMP_A], fS: [TMP_B] }, new Set(['fL']), [TMP_A]],
    [
      'not text cells, nor IDs of another shape',
      { fT: TMP_A, fL: ['tmpShort', REC_A] },
      undefined,
      [],
    ],
    ['nothing', undefined, undefined, []],
  ])('%s', (...[, fields, linkFieldIds, expected]) => {
    expect(tempLinksOf(fields, linkFieldIds)).toEqual(expected)
  })
})

describe('replaceTempLinks', () => {
  test('replaces in array cells, without duplicates; other cells untouched', () => {
    const fields = { fL: [TMP_A, REC_A], fM: [TMP_B], fT: TMP_A }
    expect(replaceTempLinks(fields, new Map([[TMP_A, REC_A]]))).toEqual({
      fL: [REC_A],
      fM: [TMP_B],
      fT: TMP_A,
    })
    expect(fields.fL).toEqual([TMP_A, REC_A])
  })

  test('the same object when nothing changes', () => {
    const fields = { fL: [REC_A] }
    expect(replaceTempLinks(fields, new Map([[TMP_A, REC_A]]))).toBe(fields)
    expect(replaceTempLinks(undefined, new Map([[TMP_A, REC_A]]))).toBeUndefined()
  })
})
