/**
 * No answer tells a member or a host about a row they cannot reach. For every table where
 * Presence's policies give the role a row rule (derived from PRESENCE_POLICIES, not listed here),
 * three records get the same answer, status and body, to GET, PATCH, PUT, DELETE and to an
 * upsert matching them: an ID that does not exist, a row hidden from the caller, and a row the
 * caller sees but may not write. GET compares the first two (a seen row is readable, so 200).
 * Against the whole stack (emulator, server, writer) on PGlite and, with DATABASE_URL,
 * PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PRESENCE_POLICIES } from '../src/policy/index.ts'
import { airtableJsBase } from './run-read-query.ts'
import { startStack, type Stack } from './stack.ts'

type Role = 'member' | 'host'
interface Raw {
  id: string
  fields: Record<string, unknown>
}
interface RuleInput {
  read: { rows: string; fields: 'all' | string[] }
  write?: { update?: string; fields?: 'all' | string[] }
}
interface Meta {
  tables: {
    name: string
    primaryFieldId: string
    fields: { id: string; name: string; type: string }[]
  }[]
}

const MISSING = 'recNoSuchRecord1'
const MERGE_TYPES = new Set(['singleLineText', 'email', 'phoneNumber', 'url', 'multilineText'])
const TEXT_TYPES = new Set(['singleLineText', 'multilineText'])

/** Every (role, table) whose read rule is a formula. */
const CASES: [Role, string, RuleInput][] = Object.entries(PRESENCE_POLICIES.tables).flatMap(
  ([table, rules]) =>
    (['member', 'host'] as const).flatMap((role): [Role, string, RuleInput][] => {
      const rule = (rules as Partial<Record<Role, RuleInput>>)[role]
      if (rule === undefined || rule.read.rows === 'all' || rule.read.rows === 'none') return []
      return [[role, table, rule]]
    }),
)

const backends: { name: string; databaseUrl?: string }[] = [{ name: 'pglite' }]
const url = process.env['DATABASE_URL']
if (url !== undefined && url !== '') backends.push({ name: 'postgres', databaseUrl: url })

for (const backend of backends) {
  describe(backend.name, () => {
    let stack: Stack
    let meta: Meta
    beforeAll(async () => {
      stack = await startStack(
        backend.databaseUrl === undefined ? {} : { databaseUrl: backend.databaseUrl },
      )
      const res = await fetch(`${stack.emulator.url}/v0/meta/bases/${stack.baseId}/tables`, {
        headers: { authorization: `Bearer ${stack.emulator.token}` },
      })
      meta = (await res.json()) as Meta
    }, 240_000)
    afterAll(async () => {
      await stack.close()
    })

    /** Sends as the role; the API's per-user limit (20/s) is waited out, not compared. */
    const send = async (
      role: Role,
      request: { method: string; path: string; body?: unknown },
    ): Promise<Response> => {
      for (;;) {
        const res = await stack.request(`/v0/${stack.baseId}/${request.path}`, {
          method: request.method,
          token: stack.tokens[role],
          headers: { 'content-type': 'application/json', prefer: 'respond-async' },
          ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        })
        if (res.status !== 429) return res
        const seconds = Number(res.headers.get('retry-after') ?? '1')
        await new Promise((resolve) => setTimeout(resolve, Math.max(seconds, 0.05) * 1000))
      }
    }
    /** Status and body, with the ID the request named (and temporary IDs) made generic. */
    const answer = async (res: Response, named: string): Promise<unknown> => {
      const raw = await res.text()
      const text = (named === '' ? raw : raw.replaceAll(named, 'recNAMED')).replace(
        /(tmp|mut)[A-Za-z0-9]{10,}/g,
        '$1ID',
      )
      return { status: res.status, body: JSON.parse(text) as unknown }
    }
    const seenIds = async (role: Role, table: string): Promise<Set<string>> => {
      const ids = new Set<string>()
      let offset: string | undefined
      do {
        const query = offset === undefined ? '' : `?offset=${encodeURIComponent(offset)}`
        const res = await send(role, {
          method: 'GET',
          path: `${encodeURIComponent(table)}${query}`,
        })
        expect(res.status).toBe(200)
        const page = (await res.json()) as { records: Raw[]; offset?: string }
        for (const record of page.records) ids.add(record.id)
        offset = page.offset
      } while (offset !== undefined)
      return ids
    }

    test.each(CASES)(
      '%s on %s: missing, hidden and seen-but-forbidden rows answer alike',
      async (role, table, rule) => {
        const tableMeta = meta.tables.find((t) => t.name === table)
        if (tableMeta === undefined) throw new Error(`no table ${table}`)
        const all = (
          await airtableJsBase(
            stack.emulator.url,
            stack.emulator.token,
            stack.baseId,
          )(table)
            .select()
            .all()
        ).map((r): Raw => ({ id: r.id, fields: r.fields }))
        const seen = await seenIds(role, table)
        const readable = (name: string): boolean =>
          rule.read.fields === 'all' || rule.read.fields.includes(name)
        const writable = rule.write?.fields ?? []
        // A row the caller sees is outside its write rule when the table grants no update; a rule
        // narrower than the read rule would need evaluating here.
        const update = rule.write?.update ?? 'none'
        if (update !== 'none' && update !== rule.read.rows) {
          throw new Error(`${role}/${table}: an update rule this test cannot classify rows by`)
        }
        const hidden = all.find((r) => !seen.has(r.id))
        const seenForbidden = update === 'none' ? all.find((r) => seen.has(r.id)) : undefined
        expect(hidden, 'the seed has a row hidden from the caller').toBeDefined()
        const textField =
          tableMeta.fields.find(
            (f) => writable !== 'all' && writable.includes(f.name) && TEXT_TYPES.has(f.type),
          ) ??
          tableMeta.fields.find((f) => readable(f.name) && TEXT_TYPES.has(f.type)) ??
          tableMeta.fields.find((f) => readable(f.name))
        const fields = { [textField?.name ?? 'Nope']: 'x' }
        const requests = (id: string) => [
          { method: 'PATCH', path: `${encodeURIComponent(table)}/${id}`, body: { fields } },
          { method: 'PATCH', path: encodeURIComponent(table), body: { records: [{ id, fields }] } },
          { method: 'PUT', path: `${encodeURIComponent(table)}/${id}`, body: { fields } },
          { method: 'DELETE', path: `${encodeURIComponent(table)}/${id}` },
          { method: 'DELETE', path: `${encodeURIComponent(table)}?records[]=${id}` },
        ]
        const answers = async (id: string, withGet: boolean): Promise<unknown[]> => {
          const list = withGet
            ? [{ method: 'GET', path: `${encodeURIComponent(table)}/${id}` }]
            : []
          const result: unknown[] = []
          for (const request of [...list, ...requests(id)])
            result.push(await answer(await send(role, request), id))
          return result
        }
        const missing = await answers(MISSING, true)
        expect(missing[0]).toEqual({
          status: 404,
          body: { error: { type: 'MODEL_ID_NOT_FOUND', message: 'Record not found' } },
        })
        expect(await answers(hidden?.id ?? '', true)).toEqual(missing)
        if (seenForbidden !== undefined)
          expect(await answers(seenForbidden.id, false)).toEqual(missing.slice(1))

        // Upsert: merge on a readable text field whose value is unique in the table.
        const merge = tableMeta.fields.find(
          (f) =>
            readable(f.name) &&
            MERGE_TYPES.has(f.type) &&
            f.id !== '' &&
            uniqueValue(all, f.name, hidden) !== undefined,
        )
        if (merge === undefined) return
        const upsert = async (value: unknown): Promise<unknown> =>
          answer(
            await send(role, {
              method: 'PATCH',
              path: encodeURIComponent(table),
              body: {
                performUpsert: { fieldsToMergeOn: [merge.name] },
                records: [{ fields: { [merge.name]: value } }],
              },
            }),
            '',
          )
        const none = await upsert('no row has this value 7f3a')
        expect(await upsert(hidden?.fields[merge.name])).toEqual(none)
        const seenValue =
          seenForbidden === undefined ? undefined : uniqueValue(all, merge.name, seenForbidden)
        if (seenValue !== undefined) expect(await upsert(seenValue)).toEqual(none)
      },
    )
  })
}

/** The row's value of `field` when no other row has it (else undefined). */
function uniqueValue(all: readonly Raw[], field: string, row: Raw | undefined): unknown {
  const value = row?.fields[field]
  if (typeof value !== 'string' || value === '') return undefined
  return all.filter((r) => r.fields[field] === value).length === 1 ? value : undefined
}
