import { describe, expect, test } from 'vitest'
import { webhookPayloadSchema } from '../../protocol/webhooks.ts'
import type { TableChange } from '../state/types.ts'
import { buildPayload, type ResolvedScope } from './build-payload.ts'
import { emptyChange, FakeBase } from './fake-base.ts'
import type { PayloadContext } from './record-changes.ts'
import type { WebhookSpecification } from './spec.ts'
import { F, T_PEOPLE, T_TEAMS, V_ACTIVE, testTables } from './test-schema.ts'

const USER = { id: 'usrAlice000000000', email: 'alice@example.com', name: 'Alice' }

function setup() {
  const base = new FakeBase('appTest0000000000', testTables())
  base.put('recTeamA000000000', { [F.tName]: 'Alpha', [F.members]: ['recAnn0000000000'] })
  base.put('recTeamB000000000', { [F.tName]: 'Beta' })
  const annCells = {
    [F.name]: 'Ann',
    [F.status]: 'Active',
    [F.tags]: ['x', 'y'],
    [F.team]: ['recTeamA000000000'],
    [F.teamName]: ['Alpha'],
    [F.owner]: USER,
    [F.age]: 40,
  }
  base.put('recAnn0000000000', annCells, '2026-01-01T10:00:00.000Z')
  const byId = new Map(base.tables().map((t) => [t.id, t]))
  const ctx: PayloadContext = {
    table: (id) => byId.get(id),
    cells: (_t, r) => base.record(_t, r)?.cells,
    createdTime: (_t, r) => base.record(_t, r)?.createdTime,
  }
  return { base, ctx, annCells }
}

function spec(
  filters: Partial<WebhookSpecification['options']['filters']> = {},
  includes?: WebhookSpecification['options']['includes'],
): WebhookSpecification {
  const options: WebhookSpecification['options'] = {
    filters: { dataTypes: ['tableData'], ...filters },
  }
  if (includes !== undefined) options.includes = includes
  return { options }
}

/** Ann's age 39 → 40 and her status Paused → Active. */
function annChanged(all: Record<string, unknown>): Map<string, TableChange> {
  const changedRecords: TableChange['changedRecords'] = new Map([
    [
      'recAnn0000000000',
      {
        current: { [F.age]: 40, [F.status]: 'Active' },
        previous: { [F.age]: 39, [F.status]: 'Paused' },
        all,
      },
    ],
  ])
  return new Map([[T_PEOPLE, emptyChange({ changedRecords })]])
}

function tx(
  tables: Map<string, TableChange>,
  source: 'publicApi' | 'client' | 'automation' = 'publicApi',
) {
  return {
    baseId: 'appTest0000000000',
    baseTransactionNumber: 7,
    timestamp: '2026-01-02T03:04:05.000Z',
    source,
    user: USER,
    tables,
    createdTables: new Map(),
    destroyedTableIds: [],
  }
}

const BASE_SCOPE: ResolvedScope = { kind: 'base' }

describe('buildPayload', () => {
  test('a changed record: current values in V2, actionMetadata with the user', () => {
    const { ctx, annCells } = setup()
    const payload = buildPayload(tx(annChanged(annCells)), spec(), { ctx, scope: BASE_SCOPE })
    expect(payload).toEqual({
      timestamp: '2026-01-02T03:04:05.000Z',
      baseTransactionNumber: 7,
      payloadFormat: 'v0',
      actionMetadata: {
        source: 'publicApi',
        sourceMetadata: { user: { ...USER, permissionLevel: 'create' } },
      },
      changedTablesById: {
        [T_PEOPLE]: {
          changedRecordsById: {
            recAnn0000000000: {
              current: {
                cellValuesByFieldId: {
                  [F.age]: 40,
                  [F.status]: { id: 'selActive00000000', name: 'Active', color: 'blueLight2' },
                },
              },
            },
          },
        },
      },
    })
    expect(webhookPayloadSchema.safeParse(payload).success).toBe(true)
  })

  test('includePreviousCellValues adds previous; includeCellValuesInFieldIds adds unchanged', () => {
    const { ctx, annCells } = setup()
    const payload = buildPayload(
      tx(annChanged(annCells)),
      spec({}, { includePreviousCellValues: true, includeCellValuesInFieldIds: [F.name, F.age] }),
      { ctx, scope: BASE_SCOPE },
    )
    const rec = payload?.changedTablesById?.[T_PEOPLE]?.changedRecordsById?.['recAnn0000000000']
    expect(rec?.previous).toEqual({
      cellValuesByFieldId: { [F.age]: 39, [F.status]: { id: 'selPaused00000000', name: 'Paused' } },
    })
    // Age changed, so only Name is "unchanged".
    expect(rec?.unchanged).toEqual({ cellValuesByFieldId: { [F.name]: 'Ann' } })
  })

  test("includeCellValuesInFieldIds 'all' converts every unchanged cell to V2", () => {
    const { ctx, annCells } = setup()
    const payload = buildPayload(
      tx(annChanged(annCells)),
      spec({}, { includeCellValuesInFieldIds: 'all' }),
      {
        ctx,
        scope: BASE_SCOPE,
      },
    )
    const unchanged =
      payload?.changedTablesById?.[T_PEOPLE]?.changedRecordsById?.['recAnn0000000000']?.unchanged
    expect(unchanged?.cellValuesByFieldId).toEqual({
      [F.name]: 'Ann',
      [F.tags]: [
        { id: 'selTagX0000000000', name: 'x', color: 'red' },
        { id: 'selTagY0000000000', name: 'y', color: 'green' },
      ],
      [F.team]: [{ id: 'recTeamA000000000', name: 'Alpha' }],
      [F.teamName]: {
        valuesByLinkedRecordId: { recTeamA000000000: ['Alpha'] },
        linkedRecordIds: ['recTeamA000000000'],
      },
      [F.owner]: USER,
    })
  })

  test('a cleared cell reads null in current, its old value in previous', () => {
    const { ctx, annCells } = setup()
    const rest: Record<string, unknown> = { ...annCells }
    delete rest[F.team]
    delete rest[F.teamName]
    const changedRecords: TableChange['changedRecords'] = new Map([
      [
        'recAnn0000000000',
        {
          current: {},
          previous: { [F.team]: ['recTeamA000000000'], [F.teamName]: ['Alpha'] },
          all: rest,
        },
      ],
    ])
    const payload = buildPayload(
      tx(new Map([[T_PEOPLE, emptyChange({ changedRecords })]])),
      spec({}, { includePreviousCellValues: true }),
      { ctx, scope: BASE_SCOPE },
    )
    const rec = payload?.changedTablesById?.[T_PEOPLE]?.changedRecordsById?.['recAnn0000000000']
    expect(rec?.current.cellValuesByFieldId).toEqual({ [F.team]: null, [F.teamName]: null })
    // The previous lookup follows the previous link, not the (now empty) current one.
    expect(rec?.previous?.cellValuesByFieldId).toEqual({
      [F.team]: [{ id: 'recTeamA000000000', name: 'Alpha' }],
      [F.teamName]: {
        valuesByLinkedRecordId: { recTeamA000000000: ['Alpha'] },
        linkedRecordIds: ['recTeamA000000000'],
      },
    })
  })

  test('created and destroyed records', () => {
    const { ctx } = setup()
    const createdRecords: TableChange['createdRecords'] = new Map([
      [
        'recBob0000000000',
        { createdTime: '2026-01-02T03:04:05.000Z', cells: { [F.name]: 'Bob', [F.tags]: ['y'] } },
      ],
    ])
    const payload = buildPayload(
      tx(
        new Map([
          [T_PEOPLE, emptyChange({ createdRecords, destroyedRecordIds: ['recGone000000000'] })],
        ]),
      ),
      spec(),
      { ctx, scope: BASE_SCOPE },
    )
    expect(payload?.changedTablesById).toEqual({
      [T_PEOPLE]: {
        createdRecordsById: {
          recBob0000000000: {
            createdTime: '2026-01-02T03:04:05.000Z',
            cellValuesByFieldId: {
              [F.name]: 'Bob',
              [F.tags]: [{ id: 'selTagY0000000000', name: 'y', color: 'green' }],
            },
          },
        },
        destroyedRecordIds: ['recGone000000000'],
      },
    })
  })

  test.each([
    ['add', ['created']],
    ['remove', ['destroyed']],
    ['update', ['changed']],
  ] as const)('changeTypes [%s] keeps only %s records', (changeType, kept) => {
    const { ctx, annCells } = setup()
    const tables = annChanged(annCells)
    const people = tables.get(T_PEOPLE)!
    people.createdRecords.set('recNew0000000000', { createdTime: 'x', cells: { [F.name]: 'New' } })
    people.destroyedRecordIds.push('recOld0000000000')
    const payload = buildPayload(tx(tables), spec({ changeTypes: [changeType] }), {
      ctx,
      scope: BASE_SCOPE,
    })
    const table = payload?.changedTablesById?.[T_PEOPLE] ?? {}
    const present = [
      table.createdRecordsById ? 'created' : undefined,
      table.destroyedRecordIds ? 'destroyed' : undefined,
      table.changedRecordsById ? 'changed' : undefined,
    ].filter((x) => x !== undefined)
    expect(present).toEqual(kept)
  })

  test('fromSources: a source not listed gives no payload', () => {
    const { ctx, annCells } = setup()
    const only = spec({ fromSources: ['client'] })
    expect(
      buildPayload(tx(annChanged(annCells), 'publicApi'), only, { ctx, scope: BASE_SCOPE }),
    ).toBeUndefined()
    expect(
      buildPayload(tx(annChanged(annCells), 'client'), only, { ctx, scope: BASE_SCOPE }),
    ).toBeDefined()
  })

  test('actionMetadata names no user for automation', () => {
    const { ctx, annCells } = setup()
    const payload = buildPayload(tx(annChanged(annCells), 'automation'), spec(), {
      ctx,
      scope: BASE_SCOPE,
    })
    expect(payload?.actionMetadata).toEqual({ source: 'automation' })
  })

  test('watchDataInFieldIds: a change to other fields gives no payload', () => {
    const { ctx, annCells } = setup()
    const watchName = spec({ watchDataInFieldIds: [F.name] })
    expect(
      buildPayload(tx(annChanged(annCells)), watchName, { ctx, scope: BASE_SCOPE }),
    ).toBeUndefined()
    const watchAge = spec({ watchDataInFieldIds: [F.age] })
    expect(
      buildPayload(tx(annChanged(annCells)), watchAge, { ctx, scope: BASE_SCOPE }),
    ).toBeDefined()
  })

  test('a table scope ignores other tables', () => {
    const { ctx, annCells } = setup()
    const scope: ResolvedScope = { kind: 'table', tableId: T_TEAMS }
    expect(buildPayload(tx(annChanged(annCells)), spec(), { ctx, scope })).toBeUndefined()
  })

  test('tableData only: field and metadata changes give no payload', () => {
    const { ctx } = setup()
    const change = emptyChange({
      createdFields: new Map([['fldNew00000000000', { name: 'New', type: 'number' }]]),
      changedMetadata: { current: { name: 'Folks' }, previous: { name: 'People' } },
    })
    const tables = new Map([[T_PEOPLE, change]])
    expect(buildPayload(tx(tables), spec(), { ctx, scope: BASE_SCOPE })).toBeUndefined()
    const schemaSpec = spec({ dataTypes: ['tableFields', 'tableMetadata'] })
    expect(
      buildPayload(tx(tables), schemaSpec, { ctx, scope: BASE_SCOPE })?.changedTablesById,
    ).toEqual({
      [T_PEOPLE]: {
        createdFieldsById: { fldNew00000000000: { name: 'New', type: 'number' } },
        changedMetadata: {
          current: { name: 'Folks', description: null },
          previous: { name: 'People', description: null },
        },
      },
    })
  })

  test('field changes: watchSchemasOfFieldIds and includePreviousFieldDefinitions', () => {
    const { ctx } = setup()
    const change = emptyChange({
      changedFields: new Map([
        [F.age, { current: { name: 'Years' }, previous: { name: 'Age' } }],
        [F.name, { current: { name: 'Full Name' }, previous: { name: 'Name' } }],
      ]),
      destroyedFieldIds: [F.owner],
    })
    const tables = new Map([[T_PEOPLE, change]])
    const watched = spec(
      { dataTypes: ['tableFields'], watchSchemasOfFieldIds: [F.age] },
      { includePreviousFieldDefinitions: true },
    )
    expect(
      buildPayload(tx(tables), watched, { ctx, scope: BASE_SCOPE })?.changedTablesById,
    ).toEqual({
      [T_PEOPLE]: {
        changedFieldsById: { [F.age]: { current: { name: 'Years' }, previous: { name: 'Age' } } },
      },
    })
    const all = spec({ dataTypes: ['tableFields'] })
    expect(buildPayload(tx(tables), all, { ctx, scope: BASE_SCOPE })?.changedTablesById).toEqual({
      [T_PEOPLE]: {
        changedFieldsById: {
          [F.age]: { current: { name: 'Years' } },
          [F.name]: { current: { name: 'Full Name' } },
        },
        destroyedFieldIds: [F.owner],
      },
    })
  })

  test('a view scope: entering is created, leaving is destroyed, staying is changed', () => {
    const { base, ctx, annCells } = setup()
    base.put('recCy00000000000', { [F.name]: 'Cy' }, '2026-01-01T11:00:00.000Z')
    const changedRecords: TableChange['changedRecords'] = new Map([
      ['recAnn0000000000', { current: { [F.age]: 40 }, previous: { [F.age]: 39 }, all: annCells }],
      [
        'recCy00000000000',
        { current: { [F.name]: 'Cy' }, previous: { [F.name]: 'C' }, all: { [F.name]: 'Cy' } },
      ],
      ['recDee0000000000', { current: { [F.age]: 1 }, previous: {}, all: { [F.age]: 1 } }],
    ])
    const scope: ResolvedScope = {
      kind: 'view',
      tableId: T_PEOPLE,
      viewId: V_ACTIVE,
      before: new Set(['recAnn0000000000', 'recDee0000000000']),
      after: new Set(['recAnn0000000000', 'recCy00000000000']),
    }
    const payload = buildPayload(
      tx(new Map([[T_PEOPLE, emptyChange({ changedRecords })]])),
      spec(),
      { ctx, scope },
    )
    expect(payload?.changedTablesById).toEqual({
      [T_PEOPLE]: {
        changedViewsById: {
          [V_ACTIVE]: {
            createdRecordsById: {
              recCy00000000000: {
                createdTime: '2026-01-01T11:00:00.000Z',
                cellValuesByFieldId: { [F.name]: 'Cy' },
              },
            },
            changedRecordsById: {
              recAnn0000000000: { current: { cellValuesByFieldId: { [F.age]: 40 } } },
            },
            destroyedRecordIds: ['recDee0000000000'],
          },
        },
      },
    })
    expect(webhookPayloadSchema.safeParse(payload).success).toBe(true)
  })

  test('created and destroyed tables for a base scope', () => {
    const { ctx } = setup()
    const created = testTables()[1]!
    const payload = buildPayload(
      {
        ...tx(new Map()),
        createdTables: new Map([[created.id, created]]),
        destroyedTableIds: ['tblOld0000000000'],
      },
      spec({ dataTypes: ['tableMetadata', 'tableFields'] }),
      { ctx, scope: BASE_SCOPE },
    )
    expect(payload?.createdTablesById).toEqual({
      [T_TEAMS]: {
        metadata: { name: 'Teams', description: null },
        fieldsById: {
          [F.tName]: { name: 'Name', type: 'singleLineText' },
          [F.members]: { name: 'Members', type: 'multipleRecordLinks' },
        },
      },
    })
    expect(payload?.destroyedTableIds).toEqual(['tblOld0000000000'])
  })
})
