/**
 * The read-query corpus of issue 3's "done means" 1: airtable.js `select()` and `find()` calls
 * over the Presence base, run side by side against the emulator and airsync. Each query names
 * what it exercises; together they cover formulas (blanks, numbers, dates, selects, multiple
 * selects, links and lookups, text functions, logic), sorts, views, field lists, paging, string
 * cell format and field IDs.
 *
 * Dates are relative to TODAY()/NOW(): the seed places sessions at whole hours around the start
 * of the current UTC day, so a run does not straddle a boundary unless it runs at midnight.
 */
import type { QueryParams } from 'airtable/lib/query_params.js'
import type { FieldSet } from 'airtable'

/** Field name → field ID for one table (from the metadata API). */
export type FieldIds = (name: string) => string

/** One read through airtable.js. */
export interface ReadQuery {
  name: string
  table: string
  /** `select(params)`; a function receives the table's field IDs. */
  select?: QueryParams<FieldSet> | ((ids: FieldIds) => QueryParams<FieldSet>)
  /** `find(id)` instead of a select; a function receives the table's record IDs in order. */
  find?: (recordIds: readonly string[]) => string
  /** Compare page by page (eachPage) instead of `all()`. @default false */
  pages?: boolean
}

const MEMBERS = 'Members Registry'
const HOSTS = 'Hosts Registry'
const SESSIONS = 'Presence Operations'
const TEMPLATES = 'Templates'
const HELP = 'Help Desk Prompts'
const LIKES = 'Likes'

const STRING_FORMAT = {
  cellFormat: 'string',
  timeZone: 'America/New_York',
  userLocale: 'en-us',
} as const

/** Formula-only queries, most of them on the 3,000-row sessions table. */
const FORMULAS: ReadQuery[] = [
  {
    name: 'select equality',
    table: SESSIONS,
    select: { filterByFormula: "{Booking Status} = 'Confirmed'" },
  },
  {
    name: 'select inequality with AND',
    table: SESSIONS,
    select: { filterByFormula: "AND({Booking Status} != 'Completed', {Payment Status} = 'Paid')" },
  },
  {
    name: 'OR of selects',
    table: SESSIONS,
    select: { filterByFormula: "OR({Booking Status} = 'Cancelled', {Booking Status} = 'No-Show')" },
  },
  { name: 'NOT of a checkbox', table: SESSIONS, select: { filterByFormula: 'NOT({Host Joined})' } },
  {
    name: 'checkbox truthiness',
    table: SESSIONS,
    select: { filterByFormula: 'AND({Host Joined}, {Member Joined})', maxRecords: 150 },
  },
  { name: 'number comparison', table: SESSIONS, select: { filterByFormula: '{Amount} >= 45' } },
  {
    name: 'number arithmetic',
    table: SESSIONS,
    select: { filterByFormula: '{Amount} * 2 + 10 > 100' },
  },
  {
    name: 'MOD of a number',
    table: SESSIONS,
    select: { filterByFormula: 'MOD({Amount}, 25) = 10' },
  },
  {
    name: 'blank text field',
    table: SESSIONS,
    select: { filterByFormula: "{Transaction ID} = ''" },
  },
  {
    name: 'BLANK() comparison',
    table: SESSIONS,
    select: { filterByFormula: '{Video Room URL} = BLANK()' },
  },
  {
    name: 'non-blank field as condition',
    table: SESSIONS,
    select: { filterByFormula: '{Transaction ID}', maxRecords: 200 },
  },
  {
    name: 'rollup below a bound',
    table: HOSTS,
    select: { filterByFormula: '{Completed Sessions} < 33' },
  },
  {
    name: 'date before today',
    table: SESSIONS,
    select: { filterByFormula: 'IS_BEFORE({Session Date/Time}, TODAY())', maxRecords: 300 },
  },
  {
    name: 'DATETIME_DIFF in days',
    table: SESSIONS,
    select: { filterByFormula: "ABS(DATETIME_DIFF({Session Date/Time}, TODAY(), 'days')) < 3" },
  },
  {
    name: 'DATEADD window',
    table: SESSIONS,
    select: {
      filterByFormula:
        "AND(IS_AFTER({Session Date/Time}, NOW()), IS_BEFORE({Session Date/Time}, DATEADD(NOW(), 7, 'days')))",
    },
  },
  {
    name: 'WEEKDAY and HOUR of a date',
    table: SESSIONS,
    select: {
      filterByFormula: 'AND(WEEKDAY({Session Date/Time}) = 0, HOUR({Session Date/Time}) < 12)',
    },
  },
  {
    name: 'DATETIME_FORMAT equality',
    table: SESSIONS,
    select: {
      filterByFormula:
        "DATETIME_FORMAT({Session Date/Time}, 'YYYY-MM') = DATETIME_FORMAT(TODAY(), 'YYYY-MM')",
    },
  },
  {
    name: 'createdTime via CREATED_TIME()',
    table: MEMBERS,
    select: { filterByFormula: "IS_AFTER(CREATED_TIME(), DATEADD(TODAY(), -90, 'days'))" },
  },
  {
    name: 'multiple select contains (FIND over ARRAYJOIN)',
    table: MEMBERS,
    select: { filterByFormula: "FIND('Mindfulness', ARRAYJOIN({Interests}, ','))" },
  },
  {
    name: 'multiple select as text',
    table: HOSTS,
    select: { filterByFormula: "FIND('Weekends', {Availability} & '')" },
  },
  {
    name: 'link field by primary name',
    table: SESSIONS,
    select: { filterByFormula: "{Member} = 'Demo Member'" },
  },
  {
    name: 'lookup contains an email',
    table: SESSIONS,
    select: { filterByFormula: "FIND('host@presence.test', ARRAYJOIN({Host Email}))" },
  },
  {
    name: 'lookup compared as text',
    table: SESSIONS,
    select: { filterByFormula: "{Member Email} = 'member@presence.test'" },
  },
  { name: 'rollup number', table: HOSTS, select: { filterByFormula: '{Completed Sessions} > 20' } },
  { name: 'percent field', table: HOSTS, select: { filterByFormula: '{Rebook Rate} >= 0.5' } },
  {
    name: 'LEFT, LOWER and LEN',
    table: MEMBERS,
    select: { filterByFormula: "AND(LOWER(LEFT({Full Name}, 1)) = 'a', LEN({Full Name}) > 8)" },
  },
  {
    name: 'REGEX_MATCH on email',
    table: MEMBERS,
    select: { filterByFormula: "REGEX_MATCH({Email}, '^[a-e].*\\.member[0-9]+@')" },
  },
  {
    name: 'SUBSTITUTE and concatenation',
    table: MEMBERS,
    select: { filterByFormula: "SUBSTITUTE({Country} & '', ' ', '') = 'UnitedStates'" },
  },
  {
    name: 'IF and SWITCH',
    table: SESSIONS,
    select: {
      filterByFormula:
        "IF({Plan Type} = 'Monthly', {Amount} > 30, SWITCH({Booking Status}, 'Pending', 1, 0))",
    },
  },
  {
    name: 'RECORD_ID() of one record',
    table: MEMBERS,
    select: { filterByFormula: "RECORD_ID() = 'rec_missing_0000'" },
  },
  {
    name: 'nested OR inside AND inside NOT',
    table: SESSIONS,
    select: {
      filterByFormula:
        "NOT(AND(OR({Plan Type} = 'Annual', {Amount} = 25), {Notification Status} = 'Sent'))",
      maxRecords: 250,
    },
  },
  {
    name: 'help prompts by category, active only',
    table: HELP,
    select: { filterByFormula: "AND({Category} = 'Payments', {Active Status})" },
  },
  {
    name: 'templates by channel with text search',
    table: TEMPLATES,
    select: {
      filterByFormula: "AND({Channel Type} = 'SMS', FIND('session', LOWER({Message Body})))",
    },
  },
  {
    name: 'autonumber range',
    table: LIKES,
    select: { filterByFormula: 'AND({Like ID} > 100, {Like ID} <= 140)' },
  },
  {
    name: 'formula matching nothing',
    table: HOSTS,
    select: { filterByFormula: "{Full Name} = 'Nobody At All'" },
  },
]

/** Sorts, views, fields, paging, cell format and field IDs. */
const SHAPES: ReadQuery[] = [
  {
    name: 'sort text asc',
    table: HOSTS,
    select: { sort: [{ field: 'Full Name', direction: 'asc' }] },
  },
  {
    name: 'sort text desc',
    table: MEMBERS,
    select: { sort: [{ field: 'Full Name', direction: 'desc' }], maxRecords: 120 },
  },
  {
    name: 'sort number desc then text',
    table: SESSIONS,
    select: {
      sort: [{ field: 'Amount', direction: 'desc' }, { field: 'Booking Ref' }],
      maxRecords: 150,
    },
  },
  {
    name: 'sort date asc',
    table: SESSIONS,
    select: { sort: [{ field: 'Session Date/Time' }], maxRecords: 150 },
  },
  {
    name: 'sort single select (option order) then date desc',
    table: SESSIONS,
    select: {
      sort: [{ field: 'Booking Status' }, { field: 'Session Date/Time', direction: 'desc' }],
      maxRecords: 200,
    },
  },
  {
    name: 'sort checkbox desc then link',
    table: SESSIONS,
    select: {
      sort: [{ field: 'Member Joined', direction: 'desc' }, { field: 'Host' }],
      maxRecords: 120,
    },
  },
  {
    name: 'sort with blanks (text)',
    table: SESSIONS,
    select: { sort: [{ field: 'Transaction ID' }], maxRecords: 150 },
  },
  {
    name: 'sort percent and rollup',
    table: HOSTS,
    select: {
      sort: [{ field: 'Rebook Rate', direction: 'desc' }, { field: 'Completed Sessions' }],
    },
  },
  {
    name: 'sort multiple select',
    table: MEMBERS,
    select: { sort: [{ field: 'Interests' }, { field: 'Email' }], maxRecords: 100 },
  },
  {
    name: 'sort created time desc',
    table: MEMBERS,
    select: { sort: [{ field: 'Member Since', direction: 'desc' }], maxRecords: 100 },
  },
  { name: 'view Active Hosts', table: HOSTS, select: { view: 'Active Hosts' } },
  {
    name: 'view Active Hosts with filter',
    table: HOSTS,
    select: {
      view: 'Active Hosts',
      filterByFormula: "FIND('English', ARRAYJOIN({Languages Spoken}))",
    },
  },
  {
    name: 'view Active Hosts re-sorted',
    table: HOSTS,
    select: { view: 'Active Hosts', sort: [{ field: 'Rebook Rate', direction: 'desc' }] },
  },
  { name: 'view Upcoming', table: SESSIONS, select: { view: 'Upcoming' } },
  {
    name: 'view Upcoming with filter, fields and maxRecords',
    table: SESSIONS,
    select: {
      view: 'Upcoming',
      filterByFormula: "{Payment Status} = 'Paid'",
      fields: ['Booking Ref', 'Session Date/Time', 'Host Name'],
      maxRecords: 40,
    },
  },
  {
    name: 'view by ID (Grid view)',
    table: TEMPLATES,
    select: (ids) => ({ view: ids('view:Grid view') }),
  },
  {
    name: 'fields subset',
    table: MEMBERS,
    select: { fields: ['Full Name', 'Country', 'Interests'], maxRecords: 60 },
  },
  {
    name: 'fields including a computed lookup',
    table: SESSIONS,
    select: {
      fields: ['Booking Ref', 'Member Name', 'Host Email', 'Last Modified'],
      maxRecords: 60,
    },
  },
  {
    name: 'fields by ID',
    table: HOSTS,
    select: (ids) => ({ fields: [ids('Full Name'), ids('Host Status')] }),
  },
  { name: 'returnFieldsByFieldId', table: TEMPLATES, select: { returnFieldsByFieldId: true } },
  {
    name: 'returnFieldsByFieldId with fields and filter',
    table: SESSIONS,
    select: {
      returnFieldsByFieldId: true,
      fields: ['Booking Ref', 'Amount', 'Member'],
      filterByFormula: '{Amount} = 60',
      maxRecords: 80,
    },
  },
  { name: 'maxRecords only', table: LIKES, select: { maxRecords: 7 } },
  { name: 'pageSize 7 over pages', table: HELP, pages: true, select: { pageSize: 7 } },
  {
    name: 'pageSize 100 over the sessions table',
    table: SESSIONS,
    pages: true,
    select: { pageSize: 100 },
  },
  {
    name: 'pages with filter and sort',
    table: MEMBERS,
    pages: true,
    select: {
      pageSize: 33,
      filterByFormula: "{Member Type} = 'Premium'",
      sort: [{ field: 'Last Active', direction: 'desc' }],
    },
  },
  {
    name: 'pages with maxRecords smaller than the pages',
    table: LIKES,
    pages: true,
    select: { pageSize: 40, maxRecords: 130 },
  },
  {
    name: 'POST listRecords',
    table: SESSIONS,
    select: { method: 'post', filterByFormula: "{Plan Type} = 'Annual'", pageSize: 50 },
    pages: true,
  },
  { name: 'cellFormat string', table: SESSIONS, select: { ...STRING_FORMAT, maxRecords: 80 } },
  {
    name: 'cellFormat string, other zone and locale',
    table: MEMBERS,
    select: { cellFormat: 'string', timeZone: 'Asia/Tokyo', userLocale: 'fr', maxRecords: 50 },
  },
  {
    name: 'cellFormat string on links, rollups and percents',
    table: HOSTS,
    select: {
      ...STRING_FORMAT,
      fields: ['Full Name', 'Sessions', 'Completed Sessions', 'Rebook Rate', 'Languages Spoken'],
    },
  },
  {
    name: 'cellFormat string with view and filter',
    table: SESSIONS,
    select: { ...STRING_FORMAT, view: 'Upcoming', filterByFormula: "{Booking Status} = 'Pending'" },
  },
  {
    name: 'likes: links and created time',
    table: LIKES,
    select: {
      filterByFormula: "{Direction} = 'Member → Host'",
      sort: [{ field: 'Created', direction: 'desc' }],
      maxRecords: 90,
    },
  },
]

/** Single records by ID. */
const FINDS: ReadQuery[] = [
  { name: 'find the first member', table: MEMBERS, find: (ids) => ids[0] ?? '' },
  { name: 'find a host in the middle', table: HOSTS, find: (ids) => ids[30] ?? '' },
  {
    name: 'find a session (links, lookups, last modified)',
    table: SESSIONS,
    find: (ids) => ids[1234] ?? '',
  },
  { name: 'find a template', table: TEMPLATES, find: (ids) => ids[6] ?? '' },
]

/** Every query of the corpus. */
export const READ_QUERIES: readonly ReadQuery[] = [...FORMULAS, ...SHAPES, ...FINDS]
