/**
 * The pure half of ingestion: V2 cells → V1 (airtable-api.md §5), payloads → ordered mirror
 * operations (§7.5), and the webhook keep/refresh/recreate decision (§7.1, §7.6).
 */
import { describe, expect, test } from 'vitest'
import type { BaseSchema, Webhook, WebhookPayload } from '../protocol/index.ts'
import { cellsToV1, fieldLookupOf } from './cells-v1.ts'
import { planPayloads } from './payload-plan.ts'
import {
  AIRSYNC_WEBHOOK_SPECIFICATION,
  decideWebhook,
  type WebhookFacts,
} from './webhook-lifecycle.ts'

const schema: BaseSchema = {
  tables: [
    {
      id: 'tblPeople',
      name: 'People',
      primaryFieldId: 'fldName',
      fields: [
        { id: 'fldName', name: 'Name', type: 'singleLineText' },
        { id: 'fldRole', name: 'Role', type: 'singleSelect', options: { choices: [] } },
      ],
      views: [],
    },
    {
      id: 'tblTasks',
      name: 'Tasks',
      primaryFieldId: 'fldTitle',
      fields: [
        { id: 'fldTitle', name: 'Title', type: 'singleLineText' },
        { id: 'fldStatus', name: 'Status', type: 'singleSelect', options: { choices: [] } },
        { id: 'fldTags', name: 'Tags', type: 'multipleSelects', options: { choices: [] } },
        {
          id: 'fldOwner',
          name: 'Owner',
          type: 'multipleRecordLinks',
          options: { linkedTableId: 'tblPeople' },
        },
        {
          id: 'fldOwnerRole',
          name: 'Owner Role',
          type: 'multipleLookupValues',
          options: { recordLinkFieldId: 'fldOwner', fieldIdInLinkedTable: 'fldRole' },
        },
        { id: 'fldBy', name: 'By', type: 'lastModifiedBy' },
        { id: 'fldDone', name: 'Done', type: 'checkbox' },
        { id: 'fldCount', name: 'Count', type: 'number' },
      ],
      views: [],
    },
  ],
}
const at = { tableId: 'tblTasks', lookup: fieldLookupOf(schema) }

describe('cellsToV1', () => {
  test.each([
    ['a select', 'fldStatus', { id: 'selA', name: 'Open', color: 'blueLight2' }, 'Open'],
    [
      'a multiple select',
      'fldTags',
      [
        { id: 's1', name: 'a' },
        { id: 's2', name: 'b' },
      ],
      ['a', 'b'],
    ],
    [
      'links',
      'fldOwner',
      [
        { id: 'recA', name: 'Ann' },
        { id: 'recB', name: '' },
      ],
      ['recA', 'recB'],
    ],
    [
      'a lookup of a select, in link order',
      'fldOwnerRole',
      {
        valuesByLinkedRecordId: {
          recB: [{ id: 'selX', name: 'Host' }],
          recA: [{ id: 'selY', name: 'Member' }],
        },
        linkedRecordIds: ['recA', 'recB'],
      },
      ['Member', 'Host'],
    ],
    [
      'a collaborator without V2 extras',
      'fldBy',
      { id: 'usr1', email: 'a@b.c', name: 'A', permissionLevel: 'create', profilePicUrl: 'x' },
      { id: 'usr1', email: 'a@b.c', name: 'A' },
    ],
    ['a number', 'fldCount', 0, 0],
    ['an unchecked checkbox as cleared', 'fldDone', false, null],
    ['an empty text as cleared', 'fldTitle', '', null],
    [
      'an empty lookup as cleared',
      'fldOwnerRole',
      { valuesByLinkedRecordId: {}, linkedRecordIds: [] },
      null,
    ],
    ['a select of a field not in the schema, by shape', 'fldNew', { id: 'selQ', name: 'Q' }, 'Q'],
    [
      'links of a field not in the schema, by shape',
      'fldNew',
      [{ id: 'recQ', name: 'q' }],
      ['recQ'],
    ],
  ])('%s', (...[, fieldId, v2, v1]) => {
    expect(cellsToV1({ [fieldId]: v2 }, at)).toEqual({ [fieldId]: v1 })
  })
})

const envelope = { timestamp: '2026-01-01T00:00:00.000Z', payloadFormat: 'v0' }

describe('planPayloads', () => {
  const when = (n: number) => ({ timestamp: envelope.timestamp, baseTransactionNumber: n })
  test('turns payloads into ordered operations with V1 cells and actors', () => {
    const payloads: WebhookPayload[] = [
      {
        ...envelope,
        baseTransactionNumber: 1,
        actionMetadata: { source: 'client', sourceMetadata: { user: { id: 'usrOps' } } },
        changedTablesById: {
          tblTasks: {
            createdRecordsById: {
              rec1: {
                createdTime: '2026-01-01T00:00:00.000Z',
                cellValuesByFieldId: { fldTitle: 'T', fldStatus: { id: 's', name: 'Open' } },
              },
            },
          },
        },
      },
      {
        ...envelope,
        baseTransactionNumber: 2,
        actionMetadata: { source: 'automation' },
        changedTablesById: {
          tblTasks: {
            changedRecordsById: {
              rec1: {
                current: { cellValuesByFieldId: { fldStatus: null } },
                unchanged: { cellValuesByFieldId: { fldTitle: 'T' } },
              },
            },
            destroyedRecordIds: ['rec0'],
          },
        },
      },
    ]
    const plan = planPayloads(payloads, fieldLookupOf(schema))
    // Who and when as the payload reports them, for the audit log.
    expect(plan.ops.map((op) => op.action)).toEqual([
      { ...when(1), source: 'client', user: { id: 'usrOps' } },
      { ...when(2), source: 'automation', user: undefined },
      { ...when(2), source: 'automation', user: undefined },
    ])
    expect(plan.ops.map((op) => ({ ...op, action: undefined }))).toEqual([
      {
        kind: 'create',
        tableId: 'tblTasks',
        actor: 'airtable:usrOps',
        records: [
          {
            id: 'rec1',
            createdTime: '2026-01-01T00:00:00.000Z',
            fields: { fldTitle: 'T', fldStatus: 'Open' },
          },
        ],
      },
      {
        kind: 'change',
        tableId: 'tblTasks',
        actor: 'airtable:automation',
        records: [{ id: 'rec1', fields: { fldTitle: 'T', fldStatus: null } }],
      },
      { kind: 'destroy', tableId: 'tblTasks', actor: 'airtable:automation', recordIds: ['rec0'] },
    ])
    expect([...plan.touchedTableIds]).toEqual(['tblTasks'])
    expect(plan.schemaChanged).toBe(false)
  })

  test('flags schema changes and stops at an error payload', () => {
    const plan = planPayloads(
      [
        {
          ...envelope,
          baseTransactionNumber: 3,
          changedTablesById: {
            tblTasks: { changedFieldsById: { fldTitle: { current: { name: 'Name' } } } },
          },
        },
        { ...envelope, baseTransactionNumber: 4, error: true, code: 'INVALID_FILTERS' },
        { ...envelope, baseTransactionNumber: 5, destroyedTableIds: ['tblPeople'] },
      ],
      fieldLookupOf(schema),
    )
    expect(plan.schemaChanged).toBe(true)
    expect(plan.error).toEqual({ code: 'INVALID_FILTERS', baseTransactionNumber: 4 })
    expect(plan.ops).toEqual([])
  })
})

describe('decideWebhook', () => {
  const nowMs = Date.parse('2026-01-10T00:00:00.000Z')
  const DAY = 86_400_000
  const hook = (over: Partial<Webhook> = {}): Webhook => ({
    id: 'achOurs',
    areNotificationsEnabled: true,
    isHookEnabled: true,
    cursorForNextPayload: 7,
    notificationUrl: null,
    expirationTime: new Date(nowMs + 6 * DAY).toISOString(),
    specification: AIRSYNC_WEBHOOK_SPECIFICATION,
    ...over,
  })
  const facts: Omit<WebhookFacts, 'listed' | 'refreshMarginMs'> = {
    storedId: 'achOurs',
    hasSecret: true,
    notificationUrl: undefined,
    nowMs,
  }
  const decide = (listed: Webhook[], over: Partial<typeof facts> = {}): unknown =>
    decideWebhook({ ...facts, ...over, listed, refreshMarginMs: 4 * DAY })

  test.each([
    [
      'none stored',
      [hook()],
      { storedId: undefined },
      { action: 'create', reason: 'no webhook yet' },
    ],
    ['deleted', [hook({ id: 'achOther' })], {}, { action: 'create', reason: 'webhook deleted' }],
    [
      'secret lost',
      [hook()],
      { hasSecret: false },
      { action: 'create', reason: 'webhook secret lost' },
    ],
    [
      'expired',
      [hook({ isHookEnabled: false, expirationTime: new Date(nowMs - 1).toISOString() })],
      {},
      { action: 'create', reason: 'webhook expired' },
    ],
    [
      'broken',
      [hook({ isHookEnabled: false })],
      {},
      { action: 'create', reason: 'webhook disabled' },
    ],
    [
      'pinging elsewhere',
      [hook({ notificationUrl: 'https://old.example/v1/webhooks/airtable' })],
      {},
      { action: 'create', reason: 'notification URL changed' },
    ],
    ['healthy', [hook()], {}, { action: 'keep', refresh: false, enableNotifications: false }],
    [
      'close to expiry',
      [hook({ expirationTime: new Date(nowMs + 3 * DAY).toISOString() })],
      {},
      { action: 'keep', refresh: true, enableNotifications: false },
    ],
    [
      'with pings turned off by Airtable',
      [hook({ notificationUrl: 'https://me/p', areNotificationsEnabled: false })],
      { notificationUrl: 'https://me/p' },
      { action: 'keep', refresh: false, enableNotifications: true },
    ],
  ] as const)('%s', (...[, listed, over, expected]) => {
    expect(decide([...listed], over)).toMatchObject(expected)
  })
})
