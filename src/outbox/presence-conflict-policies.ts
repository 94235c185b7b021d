/**
 * Presence's conflict policies, in one place, with the reason for each. A conflict is the app
 * writing a field that the operations team (or another device) changed since the writer last
 * saw it; fields nobody else changed always merge, whatever is declared here.
 *
 * The principle: whoever *owns* a field wins it. Ops own verification, billing and payments
 * (`remote-wins`); members own their profile (`latest-wins`: the newest intention, whoever had
 * it); tag lists are additive (`merge-sets`); facts the app observed stick (`local-wins`);
 * money-bearing state that two people changed differently needs a person (`manual`).
 * Table and field names are those of the Presence seed (issue 2).
 */
import type { ConflictPolicyDocument } from './conflict-policies.ts'

const OPS_OWN = 'Set by the operations team in Airtable; the app must never override it.'
const TAGS = 'A list both sides add to: keep ops’ additions and the member’s, honour removals.'
const PROFILE = 'The member’s own profile text: the most recent edit is the intended one.'

/** The Presence policy document. */
export const PRESENCE_CONFLICT_POLICIES = {
  defaultPolicy: {
    policy: 'remote-wins',
    reason: 'Airtable is the system of record for anything not declared: ops’ edits stand.',
  },
  tables: {
    'Members Registry': {
      policy: 'latest-wins',
      reason: 'Members edit their own row from the app, ops correct it now and then: newest wins.',
      fields: {
        'Full Name': { policy: 'latest-wins', reason: PROFILE },
        'About You': { policy: 'latest-wins', reason: PROFILE },
        'Profile Photo': {
          policy: 'latest-wins',
          reason: 'A replaced photo is replaced, not added to.',
        },
        'Preferred Session Length': { policy: 'latest-wins', reason: PROFILE },
        'Last Active': {
          policy: 'latest-wins',
          reason: 'A timestamp: the later write is the later activity.',
        },
        Interests: { policy: 'merge-sets', reason: TAGS },
        'Preferred Host Languages': { policy: 'merge-sets', reason: TAGS },
        'Preferred Personality Tags': { policy: 'merge-sets', reason: TAGS },
        'Verification Status': { policy: 'remote-wins', reason: OPS_OWN },
        'Member Type': { policy: 'remote-wins', reason: OPS_OWN },
        'Stripe Customer ID': {
          policy: 'remote-wins',
          reason: 'Billing writes it; a stale copy must not undo it.',
        },
        Email: {
          policy: 'remote-wins',
          reason: 'The member’s identity (row filters match on it): ops change it deliberately.',
        },
      },
    },
    'Hosts Registry': {
      policy: 'remote-wins',
      reason: 'Ops curate host records; only admins write them from the app.',
      fields: {
        Availability: {
          policy: 'merge-sets',
          reason: 'Day parts are added by host and ops alike.',
        },
        'Languages Spoken': { policy: 'merge-sets', reason: TAGS },
        'Personality Tags': { policy: 'merge-sets', reason: TAGS },
      },
    },
    'Presence Operations': {
      policy: 'remote-wins',
      reason:
        'Bookings, payments and notifications are run by ops and integrations (Stripe, Cal.com).',
      fields: {
        'Booking Status': {
          policy: 'manual',
          reason:
            'Money rides on it: a member completing a session that ops cancelled or refunded needs a person to decide.',
        },
        'Payment Status': { policy: 'remote-wins', reason: 'Stripe and ops own payment state.' },
        'Member Joined': {
          policy: 'local-wins',
          reason: 'The app observed the member join; an observed fact sticks.',
        },
        'Host Joined': {
          policy: 'local-wins',
          reason: 'The app observed the host join; an observed fact sticks.',
        },
        'Video Room Status': {
          policy: 'latest-wins',
          reason:
            'The host app drives the room, ops may close it: the latest state is the real one.',
        },
      },
    },
    Templates: {
      policy: 'latest-wins',
      reason: 'Admins and ops both edit notification settings; the latest edit is intended.',
      fields: {
        'Message Body': {
          policy: 'manual',
          reason: 'Two rewrites of one text cannot be merged by a machine.',
        },
      },
    },
    'Help Desk Prompts': {
      policy: 'latest-wins',
      reason: 'Admins and ops both edit help prompts; the latest edit is intended.',
      fields: {
        'Default Response': {
          policy: 'manual',
          reason: 'Two rewrites of one text cannot be merged by a machine.',
        },
      },
    },
    Likes: {
      policy: 'remote-wins',
      reason: 'Likes are created, not edited, by the app; any later change is ops’ moderation.',
    },
  },
} as const satisfies ConflictPolicyDocument
