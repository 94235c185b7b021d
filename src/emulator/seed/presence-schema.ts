/**
 * The Presence base's tables, fields and views (issue 2, "The Presence base"), without records.
 * Field and table names are the contract the app, the policies and the tests use.
 */
import type { FieldDefinition, TableDefinition, ViewDefinitionInput } from './definition.ts'
import {
  DAY_PARTS,
  HELP_CATEGORIES,
  INTERESTS,
  LANGUAGES,
  PERSONALITY_TAGS,
} from './presence-words.ts'

export const TABLES = {
  members: 'Members Registry',
  hosts: 'Hosts Registry',
  sessions: 'Presence Operations',
  templates: 'Templates',
  help: 'Help Desk Prompts',
  likes: 'Likes',
} as const

export const VERIFICATION = ['Pending', 'Verified', 'Rejected'] as const
export const MEMBER_TYPES = ['Trial', 'Standard', 'Premium'] as const
export const HOST_STATUS = ['Active', 'Paused', 'Inactive'] as const
export const SESSION_LENGTHS = ['30 min', '45 min', '60 min'] as const
export const BOOKING_STATUS = ['Pending', 'Confirmed', 'Completed', 'Cancelled', 'No-Show'] as const
export const PAYMENT_STATUS = ['Unpaid', 'Paid', 'Refunded', 'Failed'] as const
export const NOTIFICATION_STATUS = ['Not Sent', 'Sent', 'Failed'] as const
export const PLAN_TYPES = ['Pay As You Go', 'Monthly', 'Annual'] as const
export const ROOM_STATUS = ['Not Created', 'Ready', 'Live', 'Ended'] as const
export const DIRECTIONS = ['Member → Host', 'Host → Member'] as const

type Fields = Array<FieldDefinition>

const text = (name: string): FieldDefinition => ({ name, type: 'singleLineText' })
const select = (name: string, choices: readonly string[]): FieldDefinition => ({
  name,
  type: 'singleSelect',
  options: { choices: [...choices] },
})
const multi = (name: string, choices: readonly string[]): FieldDefinition => ({
  name,
  type: 'multipleSelects',
  options: { choices: [...choices] },
})
const link = (name: string, linkedTable: string, inverseField: string): FieldDefinition => ({
  name,
  type: 'multipleRecordLinks',
  options: { linkedTable, inverseField },
})
const lookup = (name: string, linkField: string, lookupField: string): FieldDefinition => ({
  name,
  type: 'multipleLookupValues',
  options: { linkField, lookupField },
})
const checkbox = (name: string): FieldDefinition => ({
  name,
  type: 'checkbox',
  options: { icon: 'check', color: 'greenBright' },
})
const grid: ViewDefinitionInput = { name: 'Grid view', type: 'grid' }

const memberFields: Fields = [
  text('Full Name'),
  { name: 'Email', type: 'email' },
  { name: 'Mobile Number', type: 'phoneNumber' },
  { name: 'Profile Photo', type: 'multipleAttachments' },
  { name: 'About You', type: 'multilineText' },
  select('Verification Status', VERIFICATION),
  select('Member Type', MEMBER_TYPES),
  multi('Interests', INTERESTS),
  text('Country'),
  text('Time Zone'),
  select('Language', LANGUAGES),
  multi('Preferred Host Languages', LANGUAGES),
  multi('Preferred Personality Tags', PERSONALITY_TAGS),
  select('Preferred Session Length', SESSION_LENGTHS),
  text('Stripe Customer ID'),
  { name: 'Last Active', type: 'dateTime', options: { timeZone: 'utc' } },
  link('Sessions', TABLES.sessions, 'Member'),
  { name: 'Member Since', type: 'createdTime' },
  // The hosts a member has sessions with: the host policy's row filter reads it.
  lookup('Host Emails', 'Sessions', 'Host Email'),
]

/** Counts the linked sessions whose status is Completed ([?] Airtable hides rollup formulas). */
const COMPLETED_AGGREGATION =
  "(LEN(ARRAYJOIN(values, ',')) - LEN(SUBSTITUTE(ARRAYJOIN(values, ','), 'Completed', ''))) / LEN('Completed')"

const hostFields: Fields = [
  text('Full Name'),
  { name: 'Email', type: 'email' },
  { name: 'Mobile Number', type: 'phoneNumber' },
  { name: 'Profile Photo', type: 'multipleAttachments' },
  { name: 'Full-Length Photo', type: 'multipleAttachments' },
  { name: 'Intro Video', type: 'url' },
  { name: 'About You', type: 'multilineText' },
  multi('Languages Spoken', LANGUAGES),
  multi('Personality Tags', PERSONALITY_TAGS),
  select('Verification Status', VERIFICATION),
  select('Host Status', HOST_STATUS),
  text('Stripe Connect ID'),
  multi('Availability', DAY_PARTS),
  { name: 'Rebook Rate', type: 'percent', options: { precision: 0 } },
  text('Time Zone'),
  link('Sessions', TABLES.sessions, 'Host'),
  {
    name: 'Completed Sessions',
    type: 'rollup',
    options: {
      linkField: 'Sessions',
      lookupField: 'Booking Status',
      aggregation: COMPLETED_AGGREGATION,
    },
  },
]

const sessionFields: Fields = [
  text('Booking Ref'),
  link('Member', TABLES.members, 'Sessions'),
  link('Host', TABLES.hosts, 'Sessions'),
  lookup('Member Name', 'Member', 'Full Name'),
  lookup('Member Email', 'Member', 'Email'),
  lookup('Host Name', 'Host', 'Full Name'),
  lookup('Host Email', 'Host', 'Email'),
  { name: 'Session Date/Time', type: 'dateTime', options: { timeZone: 'utc' } },
  select('Booking Status', BOOKING_STATUS),
  select('Payment Status', PAYMENT_STATUS),
  select('Notification Status', NOTIFICATION_STATUS),
  select('Plan Type', PLAN_TYPES),
  { name: 'Amount', type: 'currency', options: { precision: 2, symbol: '$' } },
  text('Transaction ID'),
  text('Cal.com Booking ID'),
  { name: 'Cal.com URL', type: 'url' },
  { name: 'Video Room URL', type: 'url' },
  select('Video Room Status', ROOM_STATUS),
  checkbox('Host Joined'),
  checkbox('Member Joined'),
  { name: 'Last Modified', type: 'lastModifiedTime' },
]

/** The Presence tables in order, each with its views; records are added by the generator. */
export function presenceTables(): TableDefinition[] {
  return [
    { name: TABLES.members, fields: memberFields, views: [grid] },
    {
      name: TABLES.hosts,
      fields: hostFields,
      views: [
        grid,
        {
          name: 'Active Hosts',
          filterByFormula: "AND({Verification Status} = 'Verified', {Host Status} = 'Active')",
          sort: [{ field: 'Full Name', direction: 'asc' }],
        },
      ],
    },
    {
      name: TABLES.sessions,
      fields: sessionFields,
      views: [
        grid,
        {
          name: 'Upcoming',
          filterByFormula:
            "AND(IS_AFTER({Session Date/Time}, NOW()), {Booking Status} != 'Cancelled')",
          sort: [{ field: 'Session Date/Time', direction: 'asc' }],
        },
      ],
    },
    {
      name: TABLES.templates,
      fields: [
        text('Template Name'),
        { name: 'Message Body', type: 'multilineText' },
        select('Channel Type', ['SMS', 'PWA']),
        checkbox('Active Status'),
      ],
      views: [grid],
    },
    {
      name: TABLES.help,
      fields: [
        text('Topic'),
        select('Category', HELP_CATEGORIES),
        { name: 'Default Response', type: 'multilineText' },
        checkbox('Active Status'),
      ],
      views: [grid],
    },
    {
      name: TABLES.likes,
      fields: [
        { name: 'Like ID', type: 'autoNumber' },
        link('Member', TABLES.members, 'Likes'),
        link('Host', TABLES.hosts, 'Likes'),
        select('Direction', DIRECTIONS),
        { name: 'Created', type: 'createdTime' },
        // Row filters of the member and host policies read these.
        lookup('Member Email', 'Member', 'Email'),
        lookup('Host Email', 'Host', 'Email'),
      ],
      views: [grid],
    },
  ]
}
