/**
 * The /v0 write endpoints over a real store (PGlite; PostgreSQL too with DATABASE_URL): schema
 * and policy refusals queue nothing, accepted writes land in the mirror, the outbox, the feed and
 * the audit log in one go, 202/async, idempotency, and the synchronous answer built from what the
 * writer settled — here a tiny fake writer that settles rows as H4's writer does (row state +
 * `mutation` feed entry in one transaction), since this file tests accepting, not sending.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { PolicyDocumentInput } from '../policy/index.ts'
import { createPolicyEngine } from '../policy/index.ts'
import { newId, type BaseSchema } from '../protocol/index.ts'
import {
  appendChanges,
  deleteRecords,
  getMutations,
  getRecord,
  latestSeq,
  listPendingMutations,
  outboxStats,
  queryAudit,
  updateMutation,
  upsertRecords,
  type Db,
} from '../store/index.ts'
import { testBackends, type TestDb } from '../store/test-backends.ts'
import { apiFixture, BASE_ID, fillStore, SCHEMA, type ApiFixture } from './test-fixture.ts'

const MEMBERS_TABLE = 'tblMembers000001'
const SCHEMA_W: BaseSchema = {
  tables: SCHEMA.tables.map((table) =>
    table.id !== MEMBERS_TABLE
      ? table
      : {
          ...table,
          fields: [
            ...table.fields,
            {
              id: 'fldMLabel0000001',
              name: 'Label',
              type: 'formula',
              options: { formula: '{Name}', result: { type: 'singleLineText' } },
            },
            { id: 'fldMNote00000001', name: 'Note', type: 'singleLineText' },
          ],
        },
  ),
}

const MEMBER_READABLE = ['Name', 'Email', 'Age', 'Tier', 'Active', 'Host', 'Joined', 'Label']
const POLICIES: PolicyDocumentInput = {
  tables: {
    Members: {
      member: {
        reason: 'own profile',
        read: { rows: '{Email} = USER_EMAIL()', fields: MEMBER_READABLE },
        write: { update: '{Email} = USER_EMAIL()', fields: ['Name', 'Age', 'Tier', 'Active'] },
      },
    },
    Hosts: { member: { reason: 'browse', read: { rows: 'all', fields: ['Name', 'Rate'] } } },
  },
  defaults: {
    admin: {
      reason: 'ops',
      read: { rows: 'all', fields: 'all' },
      write: { create: 'all', update: 'all', delete: 'all', fields: 'all' },
    },
  },
}

const M = `/v0/${BASE_ID}/Members`
const ANN = 'recMemberAnn0001'
const BOB = 'recMemberBob0001'

interface Snapshot {
  depth: number
  seq: number
  ann: unknown
}

/** Marks every pending mutation as H4's writer would: row + `mutation` feed entry, one tx. */
async function settleAll(
  db: Db,
  outcome: { fail?: { type: string; message: string; status: number } } = {},
): Promise<number> {
  const pending = await listPendingMutations(db, { baseId: BASE_ID, limit: 1000 })
  for (const m of pending) {
    await db.transaction(async (tx) => {
      const recordId = m.recordId ?? newId('rec')
      if (outcome.fail !== undefined) {
        await updateMutation(tx, m.mutationId, { state: 'failed', lastError: outcome.fail })
      } else {
        const fields = Object.fromEntries(
          Object.entries(m.fields ?? {}).filter(([, v]) => v !== null),
        )
        if (m.tempRecordId !== undefined) {
          // The real writer swaps the temporary ID for Airtable's in the mirror.
          const table = { baseId: BASE_ID, tableId: m.tableId, source: 'outbox' as const }
          await deleteRecords(tx, { ...table, ids: [m.tempRecordId] })
          await upsertRecords(tx, { ...table, records: [{ id: recordId, fields }] })
        }
        await updateMutation(tx, m.mutationId, {
          state: 'committed',
          recordId,
          result: { id: recordId, createdTime: '2026-01-01T00:00:00.000Z', fields },
          committedAt: new Date().toISOString(),
        })
      }
      await appendChanges(tx, [
        {
          baseId: BASE_ID,
          tableId: m.tableId,
          recordId,
          kind: 'mutation',
          source: 'outbox',
          mutationId: m.mutationId,
          data: { state: outcome.fail === undefined ? 'committed' : 'failed', recordId },
        },
      ])
    })
  }
  return pending.length
}

/** Sends `request` and settles its mutations once they are queued. */
async function withWriter(
  db: Db,
  request: Promise<Response>,
  outcome: Parameters<typeof settleAll>[1] = {},
): Promise<Response> {
  let done = false
  const settling = (async () => {
    while (!done) {
      if ((await settleAll(db, outcome)) === 0) await new Promise((r) => setTimeout(r, 10))
    }
  })()
  try {
    return await request
  } finally {
    done = true
    await settling
  }
}

for (const backend of testBackends()) {
  describe(backend.name, () => {
    let db: TestDb
    let api: ApiFixture
    let service: string
    let ann: string
    const send = (
      method: string,
      path: string,
      init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
    ): Promise<Response> =>
      Promise.resolve(
        api.app.request(path, {
          method,
          headers: {
            authorization: `Bearer ${init.token ?? service}`,
            'content-type': 'application/json',
            ...init.headers,
          },
          ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
        }),
      )
    const asyncly = { prefer: 'respond-async' }
    const snapshot = async (): Promise<Snapshot> => ({
      depth: (await outboxStats(db, BASE_ID)).depth,
      seq: await latestSeq(db),
      ann: (await getRecord(db, { baseId: BASE_ID, tableId: MEMBERS_TABLE, id: ANN }))?.fields,
    })
    const refused = async (
      res: Response,
      before: Snapshot,
    ): Promise<{ type: string; message: string }> => {
      const body = (await res.json()) as { error: { type: string; message: string } }
      expect(await snapshot()).toEqual(before)
      return body.error
    }

    beforeAll(async () => {
      db = await backend.open()
      await fillStore(db)
      api = apiFixture(db, {
        getSchema: () => SCHEMA_W,
        policies: (schema) => createPolicyEngine({ policies: POLICIES, schema }),
        writes: { waitTimeoutMs: 5_000, pollIntervalMs: 50 },
      })
      service = await api.token('service')
      ann = await api.token('member', 'ann@x.com')
    })
    afterAll(async () => {
      await db[Symbol.asyncDispose]()
    })

    test.each([
      ['unknown field', { Nope: 1 }, 'UNKNOWN_FIELD_NAME', 'Unknown field name: "Nope"'],
      [
        'computed field',
        { Label: 'x' },
        'INVALID_VALUE_FOR_COLUMN',
        'Field "Label" cannot accept a value because the field is computed',
      ],
      [
        'computed field, null',
        { Label: null },
        'INVALID_VALUE_FOR_COLUMN',
        'Field "Label" cannot accept a value because the field is computed',
      ],
      [
        'wrong type',
        { Age: 'forty' },
        'INVALID_VALUE_FOR_COLUMN',
        'Field "Age" cannot accept the provided value',
      ],
      [
        'unknown option',
        { Tier: 'Platinum' },
        'INVALID_MULTIPLE_CHOICE_OPTIONS',
        'Insufficient permissions to create new select option ""Platinum""',
      ],
      [
        'bad date',
        { Joined: '31/12/2024' },
        'INVALID_VALUE_FOR_COLUMN',
        'Field "Joined" cannot accept the provided value',
      ],
      [
        'link to nothing',
        { Host: ['recNoSuchHost001'] },
        'ROW_DOES_NOT_EXIST',
        'Record ID recNoSuchHost001 does not exist in this table',
      ],
    ])('%s → 422, nothing queued', async (...[, fields, type, message]) => {
      const before = await snapshot()
      const res = await send('PATCH', M, {
        body: {
          records: [
            { id: BOB, fields: { Name: 'ok' } },
            { id: ANN, fields },
          ],
        },
      })
      expect(res.status).toBe(422)
      expect(await refused(res, before)).toEqual({ type, message })
    })

    test.each([
      ['POST', M, { records: [] }, 'INVALID_RECORDS'],
      ['POST', M, { typecast: true }, 'INVALID_REQUEST_MISSING_FIELDS'],
      ['PATCH', M, { records: [{ fields: {} }] }, 'INVALID_REQUEST_MISSING_FIELDS'],
      ['PATCH', M, { records: [{ id: 'recNoSuchRecord1', fields: {} }] }, 'ROW_DOES_NOT_EXIST'],
      ['PATCH', M, { records: 'x' }, 'INVALID_REQUEST_UNKNOWN'],
      [
        'PATCH',
        M,
        { performUpsert: { fieldsToMergeOn: ['Label'] }, records: [{ fields: {} }] },
        'INVALID_UPSERT',
      ],
      ['DELETE', `${M}/recNoSuchRecord1`, undefined, 'ROW_DOES_NOT_EXIST'],
    ])('%s %s malformed → its 422, nothing queued', async (...[method, path, body, type]) => {
      const before = await snapshot()
      const res = await send(method, path, { body })
      expect(res.status).toBe(422)
      expect((await refused(res, before)).type).toBe(type)
    })

    test('an unknown table is 403 before the body is read, as Airtable', async () => {
      const res = await send('POST', `/v0/${BASE_ID}/Nope`, { body: { records: 'x' } })
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({
        error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND' },
      })
    })

    test('a member: other rows, read-only and hidden fields are refused; nothing queued', async () => {
      const before = await snapshot()
      // Another member's row is answered exactly as a record that does not exist.
      for (const id of [BOB, 'recNoSuchRecord1']) {
        const other = await send('PATCH', `${M}/${id}`, {
          token: ann,
          body: { fields: { Name: 'x' } },
        })
        expect(other.status).toBe(422)
        expect(await refused(other, before)).toEqual({
          type: 'ROW_DOES_NOT_EXIST',
          message: `Record ID ${id} does not exist in this table`,
        })
      }
      const readOnly = await send('PATCH', `${M}/${ANN}`, {
        token: ann,
        body: { fields: { Email: 'a@b.c' } },
      })
      expect(readOnly.status).toBe(403)
      expect(await refused(readOnly, before)).toEqual({
        type: 'INVALID_PERMISSIONS',
        message: 'You are not permitted to write cell values in field Email (fldMEmail0000001)',
      })
      const hidden = await send('PATCH', `${M}/${ANN}`, {
        token: ann,
        body: { fields: { Note: 'x' } },
      })
      // Refused as forbidden (issue 4), without naming the field the member cannot see.
      expect(hidden.status).toBe(403)
      expect(await refused(hidden, before)).toEqual({
        type: 'INVALID_PERMISSIONS',
        message: 'You are not permitted to perform this operation',
      })
      const create = await send('POST', M, { token: ann, body: { fields: { Name: 'x' } } })
      expect(create.status).toBe(403)
      const put = await send('PUT', `${M}/${ANN}`, { token: ann, body: { fields: { Name: 'x' } } })
      expect(put.status).toBe(403)
      const secrets = await send('POST', `/v0/${BASE_ID}/Secrets`, {
        token: ann,
        body: { fields: {} },
      })
      expect(secrets.status).toBe(403)
      expect((await refused(secrets, before)).type).toBe('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND')
    })

    test('async: 202 with temporary IDs; mirror, outbox, feed and audit written together', async () => {
      const before = await snapshot()
      const res = await send('POST', M, {
        headers: asyncly,
        body: { records: [{ fields: { Name: 'Zed', Age: '7' } }], typecast: true },
      })
      expect(res.status).toBe(202)
      expect(res.headers.get('preference-applied')).toBe('respond-async')
      const body = (await res.json()) as {
        mutations: { id: string; recordId: string; state: string }[]
      }
      const [m] = body.mutations
      expect(m).toMatchObject({ state: 'queued' })
      expect(m?.id).toMatch(/^mut[A-Za-z0-9]{14}$/)
      expect(m?.recordId).toMatch(/^tmp[A-Za-z0-9]{14}$/)
      const mirrored = await getRecord(db, {
        baseId: BASE_ID,
        tableId: MEMBERS_TABLE,
        id: m?.recordId ?? '',
      })
      expect(mirrored?.fields).toEqual({ fldMName00000001: 'Zed', fldMAge000000001: 7 })
      expect((await outboxStats(db, BASE_ID)).depth).toBe(before.depth + 1)
      expect(await latestSeq(db)).toBe(before.seq + 1)
      const [audit] = await queryAudit(db, { mutationId: m?.id ?? '' })
      expect(audit).toMatchObject({
        actor: 'service',
        source: 'api',
        action: 'create',
        outcome: 'accepted',
      })
      const status = await send('GET', `/v1/mutations/${m?.id ?? ''}`)
      expect(await status.json()).toMatchObject({
        id: m?.id,
        state: 'queued',
        op: 'create',
        recordId: m?.recordId,
      })
      await settleAll(db)
    })

    test('a batch of 25 is accepted as 25 mutations of one request', async () => {
      const before = await snapshot()
      const records = Array.from({ length: 25 }, (_, i) => ({ fields: { Name: `n${i}` } }))
      const res = await send('POST', M, { headers: asyncly, body: { records } })
      expect(res.status).toBe(202)
      const body = (await res.json()) as { mutations: { id: string }[] }
      expect(body.mutations).toHaveLength(25)
      expect((await outboxStats(db, BASE_ID)).depth).toBe(before.depth + 25)
      const pending = await listPendingMutations(db, { baseId: BASE_ID, limit: 100 })
      expect(new Set(pending.map((p) => p.requestId)).size).toBe(1)
      expect(pending.map((p) => p.mutationId)).toEqual(body.mutations.map((m) => m.id))
      await settleAll(db)
    })

    test('Idempotency-Key: a replay answers the first answer and queues nothing', async () => {
      const headers = { ...asyncly, 'idempotency-key': 'k-1' }
      const body = { records: [{ id: BOB, fields: { Age: 26 } }] }
      const first = await send('PATCH', M, { headers, body })
      const firstBody: unknown = await first.json()
      const before = await snapshot()
      const again = await send('PATCH', M, { headers, body })
      expect(again.status).toBe(first.status)
      expect(await again.json()).toEqual(firstBody)
      expect(await snapshot()).toEqual(before)
      const other = await send('PATCH', M, {
        headers,
        body: { records: [{ id: BOB, fields: { Age: 27 } }] },
      })
      expect(other.status).toBe(422)
      expect(await refused(other, before)).toMatchObject({ type: 'INVALID_REQUEST_UNKNOWN' })
      await settleAll(db)
    })

    test("sync: waits for the writer and answers Airtable's shapes", async () => {
      const patched = await withWriter(
        db,
        send('PATCH', `${M}/${ANN}`, { token: ann, body: { fields: { Age: 31 } } }),
      )
      expect(patched.status).toBe(200)
      const record = (await patched.json()) as { id: string; fields: Record<string, unknown> }
      expect(record).toMatchObject({ id: ANN, fields: { Age: 31 } })
      const created = await withWriter(
        db,
        send('POST', M, {
          body: { records: [{ fields: { Name: 'Yu' } }], returnFieldsByFieldId: true },
        }),
      )
      const createdBody = (await created.json()) as { records: { id: string; fields: unknown }[] }
      expect(createdBody.records[0]?.id).toMatch(/^rec/)
      expect(createdBody.records[0]?.fields).toEqual({ fldMName00000001: 'Yu' })
      const deleted = await withWriter(
        db,
        send('DELETE', `${M}?records[]=${createdBody.records[0]?.id ?? ''}`),
      )
      expect(await deleted.json()).toEqual({
        records: [{ id: createdBody.records[0]?.id, deleted: true }],
      })
    })

    test("sync: a rejected mutation answers Airtable's error with its status", async () => {
      const fail = {
        type: 'INVALID_VALUE_FOR_COLUMN',
        message: 'Field "Age" cannot accept the provided value',
        status: 422,
      }
      const res = await withWriter(
        db,
        send('PATCH', `${M}/${ANN}`, { body: { fields: { Age: 5 } } }),
        { fail },
      )
      expect(res.status).toBe(422)
      expect(await res.json()).toEqual({ error: { type: fail.type, message: fail.message } })
    })

    test('sync: nobody settles → 202 with the mutations after the timeout', async () => {
      const slow = apiFixture(db, {
        getSchema: () => SCHEMA_W,
        policies: (schema) => createPolicyEngine({ policies: POLICIES, schema }),
        writes: { waitTimeoutMs: 100, pollIntervalMs: 20 },
      })
      const res = await slow.app.request(`${M}/${BOB}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${service}`, 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { Name: 'Bob' } }),
      })
      expect(res.status).toBe(202)
      expect(await res.json()).toMatchObject({ mutations: [{ recordId: BOB, state: 'queued' }] })
      await settleAll(db)
    })

    test('Idempotency-Key: a timed-out 202 is not an answer; the replay waits for the same mutations', async () => {
      const slow = apiFixture(db, {
        getSchema: () => SCHEMA_W,
        policies: (schema) => createPolicyEngine({ policies: POLICIES, schema }),
        writes: { waitTimeoutMs: 100, pollIntervalMs: 20 },
      })
      const request = (): Promise<Response> =>
        Promise.resolve(
          slow.app.request(`${M}/${BOB}`, {
            method: 'PATCH',
            headers: {
              authorization: `Bearer ${service}`,
              'content-type': 'application/json',
              'idempotency-key': 'k-timeout',
            },
            body: JSON.stringify({ fields: { Name: 'Bobby' } }),
          }),
        )
      const first = await request()
      expect(first.status).toBe(202)
      const [queued] = ((await first.json()) as { mutations: { id: string }[] }).mutations
      const depth = (await outboxStats(db, BASE_ID)).depth
      const replay = await withWriter(db, request())
      expect(replay.status).toBe(200)
      expect(await replay.json()).toMatchObject({ id: BOB, fields: { Name: 'Bobby' } })
      const [settled] = await getMutations(db, [queued?.id ?? ''])
      expect(settled?.state).toBe('committed')
      expect(depth).toBe(1)
    })

    test("GET /v1/mutations/{id}: only the caller's own, unless admin or service", async () => {
      const res = await send('PATCH', `${M}/${ANN}`, {
        token: ann,
        headers: asyncly,
        body: { fields: { Age: 32 } },
      })
      const id = ((await res.json()) as { mutations: { id: string }[] }).mutations[0]?.id ?? ''
      expect((await send('GET', `/v1/mutations/${id}`, { token: ann })).status).toBe(200)
      const bob = await api.token('member', 'bob@x.com')
      expect((await send('GET', `/v1/mutations/${id}`, { token: bob })).status).toBe(404)
      expect(
        (await send('GET', `/v1/mutations/${id}`, { token: await api.token('admin') })).status,
      ).toBe(200)
      await settleAll(db)
    })

    test('upsert: matched records are updated in place, others created with temporary IDs', async () => {
      const res = await send('PATCH', M, {
        headers: asyncly,
        body: {
          performUpsert: { fieldsToMergeOn: ['Email'] },
          records: [
            { fields: { Email: 'cid@x.com', Age: 42 } },
            { fields: { Email: 'new@x.com', Name: 'New' } },
          ],
        },
      })
      const body = (await res.json()) as { mutations: { recordId: string }[] }
      expect(body.mutations.map((m) => m.recordId.slice(0, 3))).toEqual(['rec', 'tmp'])
      expect(body.mutations[0]?.recordId).toBe('recMemberCid0001')
      const pending = await listPendingMutations(db, { baseId: BASE_ID, limit: 100 })
      expect(pending.map((p) => p.op)).toEqual(['update', 'upsert'])
      expect(pending[1]?.mergeFieldIds).toEqual(['fldMEmail0000001'])
      await settleAll(db)
    })

    test("a link may name a create's temporary ID: kept while open, Airtable's once committed", async () => {
      await settleAll(db)
      const createHost = async (): Promise<{ id: string; recordId: string }> => {
        const res = await send('POST', `/v0/${BASE_ID}/Hosts`, {
          headers: asyncly,
          body: { fields: { Name: 'New host' } },
        })
        expect(res.status).toBe(202)
        const body = (await res.json()) as { mutations: { id: string; recordId: string }[] }
        return body.mutations[0]!
      }
      const linkAnn = (host: string): Promise<Response> =>
        send('PATCH', `${M}/${ANN}`, { headers: asyncly, body: { fields: { Host: [host] } } })
      const hostOfAnn = async (): Promise<unknown> =>
        (await getRecord(db, { baseId: BASE_ID, tableId: MEMBERS_TABLE, id: ANN }))?.fields[
          'fldMHost00000001'
        ]
      const queuedHost = async (res: Response): Promise<unknown> => {
        expect(res.status).toBe(202)
        const body = (await res.json()) as { mutations: { id: string }[] }
        const [row] = await getMutations(db, [body.mutations[0]!.id])
        return row?.fields?.['fldMHost00000001']
      }
      // Open: accepted as it is; the writer holds it until the create commits.
      const open = await createHost()
      expect(await queuedHost(await linkAnn(open.recordId))).toEqual([open.recordId])
      expect(await hostOfAnn()).toEqual([open.recordId])
      // Committed: Airtable's ID, in the outbox and the mirror.
      await settleAll(db)
      const [committed] = await getMutations(db, [open.id])
      expect(committed?.recordId).toMatch(/^rec/)
      expect(await queuedHost(await linkAnn(open.recordId))).toEqual([committed?.recordId])
      expect(await hostOfAnn()).toEqual([committed?.recordId])
      await settleAll(db)
      // Failed, unknown, or a create in another table: 422, nothing queued.
      const failed = await createHost()
      await settleAll(db, { fail: { type: 'INVALID_VALUE_FOR_COLUMN', message: 'x', status: 422 } })
      const member = await send('POST', M, { headers: asyncly, body: { fields: { Name: 'M' } } })
      const otherTable = ((await member.json()) as { mutations: { recordId: string }[] })
        .mutations[0]!
      for (const tmp of [failed.recordId, 'tmpNoSuchCreate01', otherTable.recordId]) {
        const before = await snapshot()
        const res = await linkAnn(tmp)
        expect(res.status).toBe(422)
        expect(await refused(res, before)).toEqual({
          type: 'ROW_DOES_NOT_EXIST',
          message: `Record ID ${tmp} does not exist in this table`,
        })
      }
      await settleAll(db)
    })
  })
}
