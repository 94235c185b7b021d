/**
 * The evaluator's functions the SQL compiler leaves to JS, each with the reason: the documented
 * other half of COMPILED_FUNCTIONS (a test checks that together they cover the function table).
 * Functions in COMPILED_FUNCTIONS may still fall back for some argument shapes (computed units
 * or formats, calendar units…); see each compiler.
 */
export const JS_ONLY_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['REPT', 'not yet compiled; the text length cap (MAX_TEXT_LENGTH) must be reproduced'],
  ['REPLACE', 'slices by UTF-16 units; not yet compiled'],
  ['VALUE', 'currency and percent cleaning rules; not yet compiled'],
  ['ENCODE_URL_COMPONENT', "JS's encodeURIComponent has no exact Postgres counterpart"],
  ['EXP', 'libm results differ in the last bit between platforms'],
  ['LOG', 'libm results differ in the last bit between platforms'],
  ['CEILING', "12-digit tidying needs the double's exact decimal expansion"],
  ['FLOOR', "12-digit tidying needs the double's exact decimal expansion"],
  ['COUNTALL', 'a blank multi-select and an empty lookup count differently'],
  ['DATETIME_PARSE', 'moment-style format parsing (dayjs customParseFormat)'],
  ['WEEKNUM', "moment's locale week rules"],
  ['WORKDAY', 'holiday lists and weekend walking'],
  ['WORKDAY_DIFF', 'holiday lists and weekend walking'],
  ['SET_TIMEZONE', 'time zone tags travel with the value to DATETIME_FORMAT (IANA rules in JS)'],
  ['SET_LOCALE', 'locale tags travel with the value to DATETIME_FORMAT'],
  ['ARRAYUNIQUE', 'returns an array value (the SQL lists hold only text items)'],
  ['ARRAYCOMPACT', 'returns an array value (the SQL lists hold only text items)'],
  ['ARRAYFLATTEN', 'returns an array value (the SQL lists hold only text items)'],
  ['ARRAYSLICE', 'returns an array value (the SQL lists hold only text items)'],
  ['LAST_MODIFIED_TIME', 'the mirror keeps no per-field edit times'],
  // A caller's pattern never reaches PostgreSQL's backtracking regex engine (one pattern can hold
  // a backend or, in PGlite, the whole process); RE2 runs them in linear time on the rows the
  // rest of the filter's SQL narrowed.
  ['REGEX_MATCH', 'RE2 (linear time) in JS; Postgres regexes backtrack'],
  ['REGEX_EXTRACT', 'RE2 (linear time) in JS; Postgres regexes backtrack'],
  ['REGEX_REPLACE', 'RE2 (linear time) in JS; Postgres regexes backtrack'],
])
