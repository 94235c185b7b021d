/**
 * Writes never tell a caller about rows they cannot reach. Over the API test base: a member
 * (reads and updates their own row, no create, no delete) and a host (reads active members,
 * updates and deletes only the Gold ones, creates). For each, a row that does not exist, a row
 * hidden from them and a row they see but may not write get the same answer to PATCH, PUT,
 * DELETE and to an upsert matching it; typecast creates no select option for them, and a
 * per-value rule limits what they may write. PGlite, and PostgreSQL with DATABASE_URL.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createPolicyEngine, type PolicyDocumentInput } from '../policy/index.ts'
import { listPendingMutations, outboxStats } from '../store/index.ts'
import { testBackends, type TestDb } from '../store/test-backends.ts'
import { apiFixture, BASE_ID, fillStore, type ApiFixture } from './test-fixture.ts'

const POLICIES: PolicyDocumentInput = {
  tables: {
    Members: {
      member: {
        reason: 'own profile',
        read: { rows: '{Email} = USER_EMAIL()', fields: 'all' },
        write: {
          update: '{Email} = USER_EMAIL()',
          fields: ['Name', 'Email', 'Age', 'Tier'],
          values: { Tier: ['Gold', 'Silver'] },
        },
      },
      host: {
        reason: 'active members; edits Gold ones',
        read: { rows: '{Active}', fields: 'all' },
        write: {
          create: 'all',
          update: '{Tier} = "Gold"',
          delete: '{Tier} = "Gold"',
          fields: ['Name', 'Email', 'Age', 'Tier'],
        },
      },
    },
  },
}

const M = `/v0/${BASE_ID}/Members`
const MISSING = 'recNoSuchRecord1'
/** Ann: Gold, active (the member's own row; the host may write it). */
const ANN = 'recMemberAnn0001'
/** bob: Bronze, inactive (hidden from both). */
const BOB = 'recMemberBob0001'
/** Cid: Silver, active (the host sees it, may not write it). */
const CID = 'recMemberCid0001'

interface Answer {
  status: number
  body: unknown
}

for (const backend of testBackends()) {
  describe(backend.name, () => {
    let db: TestDb
    let api: ApiFixture
    const tokens: Record<'member' | 'host' | 'service', string> = {
      member: '',
      host: '',
      service: '',
    }
    const send = async (
      method: string,
      path: string,
      init: { token: string; body?: unknown },
    ): Promise<Response> =>
      api.app.request(path, {
        method,
        headers: {
          authorization: `Bearer ${init.token}`,
          'content-type': 'application/json',
          prefer: 'respond-async',
        },
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      })
    /** The answer with the record ID the request named, and temporary IDs, made generic. */
    const answer = async (res: Response, named = ''): Promise<Answer> => {
      let text = await res.text()
      if (named !== '') text = text.replaceAll(named, 'recNAMED')
      text = text.replace(/tmp[A-Za-z0-9]{10,}/g, 'tmpID').replace(/mut[A-Za-z0-9]{10,}/g, 'mutID')
      return { status: res.status, body: JSON.parse(text) as unknown }
    }
    const writes = (id: string) =>
      [
        ['PATCH', `${M}/${id}`, { fields: { Name: 'x' } }],
        ['PATCH', M, { records: [{ id, fields: { Name: 'x' } }] }],
        ['PUT', `${M}/${id}`, { fields: { Name: 'x' } }],
        ['DELETE', `${M}/${id}`, undefined],
        ['DELETE', `${M}?records[]=${id}`, undefined],
      ] as const
    const answersFor = async (token: string, id: string): Promise<Answer[]> => {
      const answers: Answer[] = []
      for (const [method, path, body] of writes(id)) {
        answers.push(await answer(await send(method, path, { token, body }), id))
      }
      return answers
    }
    const depth = async (): Promise<number> => (await outboxStats(db, BASE_ID)).depth

    beforeEach(async () => {
      db = await backend.open()
      await fillStore(db)
      api = apiFixture(db, {
        policies: (schema) => createPolicyEngine({ policies: POLICIES, schema }),
      })
      tokens.member = await api.token('member', 'ann@x.com')
      tokens.host = await api.token('host', 'hal@x.com')
      tokens.service = await api.token('service')
    })
    afterEach(async () => {
      await db[Symbol.asyncDispose]()
    })

    test('a member: another member’s row is answered as a missing one, by every write', async () => {
      const missing = await answersFor(tokens.member, MISSING)
      expect(await answersFor(tokens.member, BOB)).toEqual(missing)
      expect(missing[0]).toEqual({
        status: 422,
        body: {
          error: {
            type: 'ROW_DOES_NOT_EXIST',
            message: 'Record ID recNAMED does not exist in this table',
          },
        },
      })
      // No delete at all for members: the same 403 whatever the ID.
      expect(missing[3]).toMatchObject({
        status: 403,
        body: { error: { type: 'INVALID_PERMISSIONS' } },
      })
      expect(await depth()).toBe(0)
    })

    test('a host: a hidden row and a seen row outside the write rule answer as a missing one', async () => {
      const missing = await answersFor(tokens.host, MISSING)
      expect(await answersFor(tokens.host, BOB)).toEqual(missing)
      expect(await answersFor(tokens.host, CID)).toEqual(missing)
      for (const each of missing) {
        expect(each).toMatchObject({ status: 422, body: { error: { type: 'ROW_DOES_NOT_EXIST' } } })
      }
      expect(await depth()).toBe(0)
      // A row inside the rule is written.
      const own = await send('PATCH', `${M}/${ANN}`, {
        token: tokens.host,
        body: { fields: { Name: 'A' } },
      })
      expect(own.status).toBe(202)
    })

    test.each([
      ['another member’s email', 'bob@x.com'],
      ['an email nobody has', 'nobody@x.com'],
    ])('a member’s upsert matching %s: the create refusal, nothing else', async (...[, email]) => {
      const res = await send('PATCH', M, {
        token: tokens.member,
        body: {
          performUpsert: { fieldsToMergeOn: ['Email'] },
          records: [{ fields: { Email: email } }],
        },
      })
      expect(await answer(res)).toEqual({
        status: 403,
        body: {
          error: {
            type: 'INVALID_PERMISSIONS',
            message: 'You are not permitted to create records in table Members (tblMembers000001)',
          },
        },
      })
    })

    test('a host’s upsert matches only rows it may update; others become plain creates', async () => {
      const upsert = async (fields: Record<string, unknown>, merge = 'Email'): Promise<Answer> =>
        answer(
          await send('PATCH', M, {
            token: tokens.host,
            body: { performUpsert: { fieldsToMergeOn: [merge] }, records: [{ fields }] },
          }),
        )
      const created = await upsert({ Email: 'nobody@x.com' })
      expect(created).toEqual({
        status: 202,
        body: { mutations: [{ id: 'mutID', recordId: 'tmpID', state: 'queued' }] },
      })
      expect(await upsert({ Email: 'bob@x.com' })).toEqual(created) // hidden
      expect(await upsert({ Email: 'cid@x.com' })).toEqual(created) // seen, not writable
      // bob and Eve are both 25 and both hidden: no "several records match" refusal.
      expect(await upsert({ Age: 25 }, 'Age')).toEqual(created)
      const pending = await listPendingMutations(db, { baseId: BASE_ID, limit: 100 })
      // Sent as creates: Airtable's own merge would reach rows outside the host's rule.
      expect(pending.map((m) => [m.op, m.mergeFieldIds])).toEqual(
        Array(4).fill(['create', undefined]),
      )
      const matched = await send('PATCH', M, {
        token: tokens.host,
        body: {
          performUpsert: { fieldsToMergeOn: ['Email'] },
          records: [{ fields: { Email: 'ann@x.com', Age: 31 } }],
        },
      })
      expect(await matched.json()).toMatchObject({ mutations: [{ recordId: ANN }] })
    })

    test('typecast creates no select option for a member: the write fails as without it', async () => {
      const write = (token: string, typecast: boolean): Promise<Response> =>
        send('PATCH', `${M}/${ANN}`, { token, body: { fields: { Tier: 'Platinum' }, typecast } })
      const without = await answer(await write(tokens.member, false))
      expect(without).toEqual({
        status: 422,
        body: {
          error: {
            type: 'INVALID_MULTIPLE_CHOICE_OPTIONS',
            message: 'Insufficient permissions to create new select option ""Platinum""',
          },
        },
      })
      expect(await answer(await write(tokens.member, true))).toEqual(without)
      expect(await depth()).toBe(0)
      // The service key may change the schema.
      expect((await write(tokens.service, true)).status).toBe(202)
    })

    test('a per-value rule: a member may set Tier only to Gold or Silver', async () => {
      const setTier = (tier: string): Promise<Response> =>
        send('PATCH', `${M}/${ANN}`, { token: tokens.member, body: { fields: { Tier: tier } } })
      expect(await answer(await setTier('Bronze'))).toEqual({
        status: 403,
        body: {
          error: {
            type: 'INVALID_PERMISSIONS',
            message:
              'You are not permitted to write the value "Bronze" in field Tier (fldMTier00000001)',
          },
        },
      })
      const cleared = await send('PATCH', `${M}/${ANN}`, {
        token: tokens.member,
        body: { fields: { Tier: null } },
      })
      expect(cleared.status).toBe(403)
      expect(await depth()).toBe(0)
      expect((await setTier('Silver')).status).toBe(202)
    })
  })
}
