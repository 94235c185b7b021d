/**
 * Presence's access policies, in one place, with the reason for each grant. Tables and fields
 * are named as in the Presence base (issue 2, `--seed presence`). Anything not granted here is
 * denied; the service key (the server's own jobs, the ops tooling) bypasses policies.
 *
 * Two rules need lookup fields the seed may not have yet (proposed to the seed engineer):
 * - Members Registry `Host Emails`: lookup of Sessions → Host Email, so a host can read the
 *   names of the members of their sessions. Without it the rule admits no row (the engine
 *   reports it in `problems`); hosts still see those names in Presence Operations' Member Name.
 * - Likes `Member Email`: lookup of Member → Email, so "own likes" is a formula over the row. A
 *   link's formula value is the linked primary field (Full Name), which is not unique, so it
 *   cannot identify the member. Without the lookup members can neither read nor create likes.
 *
 * Only the service key and admins may let `typecast` create select options (a schema change).
 */
import type { PolicyDocumentInput } from './policy.ts'

/** The member-writable profile and preference cells of their own Members Registry row. */
const MEMBER_EDITABLE_PROFILE = [
  'Full Name',
  'Mobile Number',
  'Profile Photo',
  'About You',
  'Interests',
  'Country',
  'Time Zone',
  'Language',
  'Preferred Host Languages',
  'Preferred Personality Tags',
  'Preferred Session Length',
  'Last Active',
]

/** What a member sees of a host: everything but contact details, payouts and bookings. */
const HOST_PUBLIC_FIELDS = [
  'Full Name',
  'Profile Photo',
  'Full-Length Photo',
  'Intro Video',
  'About You',
  'Languages Spoken',
  'Personality Tags',
  'Verification Status',
  'Host Status',
  'Availability',
  'Rebook Rate',
  'Time Zone',
  'Completed Sessions',
]

/** Every Presence Operations field but the two given (hidden from one side of the session). */
const SESSION_FIELDS_EXCEPT = (...hidden: string[]): string[] =>
  [
    'Booking Ref',
    'Member',
    'Host',
    'Member Name',
    'Member Email',
    'Host Name',
    'Host Email',
    'Session Date/Time',
    'Booking Status',
    'Payment Status',
    'Notification Status',
    'Plan Type',
    'Amount',
    'Transaction ID',
    'Cal.com Booking ID',
    'Cal.com URL',
    'Video Room URL',
    'Video Room Status',
    'Host Joined',
    'Member Joined',
    'Last Modified',
  ].filter((name) => !hidden.includes(name))

const MEMBERS_REGISTRY_FIELDS_BUT_STRIPE = [
  'Full Name',
  'Email',
  'Mobile Number',
  'Profile Photo',
  'About You',
  'Verification Status',
  'Member Type',
  'Interests',
  'Country',
  'Time Zone',
  'Language',
  'Preferred Host Languages',
  'Preferred Personality Tags',
  'Preferred Session Length',
  'Last Active',
  'Sessions',
  'Member Since',
]

const OWN_MEMBER_ROW = '{Email} = USER_EMAIL()'
const OWN_MEMBER_SESSION = '{Member Email} = USER_EMAIL()'
const OWN_HOST_SESSION = '{Host Email} = USER_EMAIL()'
// Commas around both sides make the match whole-address: "a@b.co" must not match "xa@b.co".
const MEMBER_OF_HOSTS_SESSION =
  'FIND("," & USER_EMAIL() & ",", "," & ARRAYJOIN({Host Emails}, ",") & ",") > 0'

/** The Presence policy document; see the module header for the rules that need new lookups. */
export const PRESENCE_POLICIES = {
  tables: {
    'Members Registry': {
      member: {
        reason: 'A member manages their own profile and preferences and sees nobody else.',
        read: { rows: OWN_MEMBER_ROW, fields: MEMBERS_REGISTRY_FIELDS_BUT_STRIPE },
        write: {
          update: OWN_MEMBER_ROW,
          fields: MEMBER_EDITABLE_PROFILE,
          reason:
            'Profile and preference edits only: Email is the identity, Verification Status and Member Type are set by ops, Stripe Customer ID by billing.',
        },
      },
      host: {
        reason: 'A host sees the names of the members booked into their sessions, nothing else.',
        read: { rows: MEMBER_OF_HOSTS_SESSION, fields: ['Full Name'] },
      },
    },
    'Hosts Registry': {
      member: {
        reason:
          'Members browse active hosts; contact details (Email, Mobile Number), payouts (Stripe Connect ID) and bookings stay private.',
        read: { rows: '{Host Status} = "Active"', fields: HOST_PUBLIC_FIELDS },
      },
      host: {
        reason: 'A host sees their own record, payout ID included; ops maintain it.',
        read: { rows: '{Email} = USER_EMAIL()', fields: 'all' },
      },
    },
    'Presence Operations': {
      member: {
        reason: "A member sees their own sessions, but not the host's email.",
        read: { rows: OWN_MEMBER_SESSION, fields: SESSION_FIELDS_EXCEPT('Host Email') },
        write: {
          update: OWN_MEMBER_SESSION,
          fields: ['Member Joined', 'Booking Status'],
          // Confirming, cancelling, no-shows and refunds are ops' and the booking flow's.
          values: { 'Booking Status': ['Completed'] },
          reason: 'The app marks that the member joined the room and completes the session.',
        },
      },
      host: {
        reason:
          "A host sees their own sessions, but not the member's email or the payment reference.",
        read: {
          rows: OWN_HOST_SESSION,
          fields: SESSION_FIELDS_EXCEPT('Member Email', 'Transaction ID'),
        },
        write: {
          update: OWN_HOST_SESSION,
          fields: ['Host Joined', 'Video Room Status'],
          reason: 'The host app marks that the host joined and drives the video room state.',
        },
      },
    },
    Templates: {
      member: {
        reason: 'Notification texts are shown to users; inactive drafts are not.',
        read: { rows: '{Active Status}', fields: 'all' },
      },
      host: {
        reason: 'Notification texts are shown to users; inactive drafts are not.',
        read: { rows: '{Active Status}', fields: 'all' },
      },
    },
    'Help Desk Prompts': {
      member: {
        reason: 'Self-service help; inactive prompts are drafts.',
        read: { rows: '{Active Status}', fields: 'all' },
      },
      host: {
        reason: 'Self-service help; inactive prompts are drafts.',
        read: { rows: '{Active Status}', fields: 'all' },
      },
    },
    Likes: {
      member: {
        reason: 'A member sees and adds their own likes of hosts; who liked whom stays private.',
        read: {
          rows: '{Member Email} = USER_EMAIL()',
          fields: ['Like ID', 'Member', 'Host', 'Direction', 'Created'],
        },
        write: {
          create: 'AND({Member Email} = USER_EMAIL(), {Direction} = "Member → Host")',
          fields: ['Member', 'Host', 'Direction'],
          reason: 'A like is created for oneself, in the member-to-host direction only.',
        },
      },
    },
  },
  defaults: {
    admin: {
      reason: 'Admins (the ops team in the app) read and write everything, in every table.',
      read: { rows: 'all', fields: 'all' },
      write: {
        create: 'all',
        update: 'all',
        delete: 'all',
        fields: 'all',
        createSelectOptions: true,
      },
    },
  },
} satisfies PolicyDocumentInput
