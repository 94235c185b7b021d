/**
 * Airtable's write endpoints under `/v0` (airtable-api.md §2.6–2.9), served by the outbox:
 * `POST /{base}/{table}` (create, single or batch), `PATCH|PUT /{base}/{table}` (batch update or,
 * with `performUpsert`, upsert), `PATCH|PUT /{base}/{table}/{recordId}`, `DELETE /{base}/{table}`
 * (`?records[]=`) and `DELETE /{base}/{table}/{recordId}`. A batch may hold more than 10 records.
 *
 * A request is checked (body, schema, policy) and accepted in one transaction (outbox/accept.ts);
 * then, by default, it waits until every one of its mutations is settled and answers what
 * Airtable answered (write-response.ts). `Prefer: respond-async` answers 202 at once with the
 * mutation IDs (`Preference-Applied: respond-async`); a wait longer than `writes.waitTimeoutMs`
 * answers the same 202, so nothing accepted is ever reported lost.
 *
 * `Idempotency-Key` (per caller and base, up to 255 characters): the request is identified by
 * its method, path and parsed body. A replay of an answered request gets the first answer again
 * (status and body; a timed-out 202 is not an answer, so a replay waits again); a replay while
 * the first is still in flight waits for the same mutations; the key reused for a different
 * request is 422 INVALID_REQUEST_UNKNOWN (as the IETF Idempotency-Key draft; 409 is for
 * concurrency, which here waits instead).
 */
import { createHash } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { acceptWrites, type AcceptResult } from '../../outbox/index.ts'
import { IDEMPOTENCY_KEY_HEADER, PREFER_RESPOND_ASYNC } from '../../protocol/index.ts'
import { getMutations, saveIdempotentResponse, type StoredMutation } from '../../store/index.ts'
import { limitKey } from '../auth-middleware.ts'
import type { ApiContext, ApiEnv } from '../context.ts'
import { invalidRequest } from '../errors.ts'
import { readJson } from './list.ts'
import {
  parseBatchUpdateBody,
  parseCreateBody,
  parseDeleteQuery,
  parseSingleUpdateBody,
  type WriteBody,
} from './write-body.ts'
import { authorizer, writeTarget, type WriteTarget } from './write-policy.ts'
import { checkOperation, writeScope } from './write-scope.ts'
import { acceptedReply, settledReply, type WriteReply } from './write-response.ts'
import { createMutationWaiter, type MutationWaiter } from './write-wait.ts'

/** How long a write waits for Airtable before answering 202. */
export const DEFAULT_WRITE_WAIT_TIMEOUT_MS = 25_000

/** Routes for writing records, mounted under `/v0`. */
export function writeRoutes(ctx: ApiContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>()
  const waiter = createMutationWaiter({
    db: ctx.options.db,
    pollIntervalMs: ctx.options.writes?.pollIntervalMs ?? 1000,
    onError: (error) => ctx.options.logger.warn({ err: error }, 'write waiter check failed'),
  })
  // The table is resolved before the body is read, as Airtable (a bad table is 403 first).
  const handle = (c: Context<ApiEnv>, body: () => Promise<WriteBody>): Promise<Response> =>
    handleWrite({ ctx, waiter, c, body })

  app.post('/:baseId/:table', (c) => handle(c, async () => parseCreateBody(await readJson(c))))
  for (const [method, verb] of [
    ['patch', 'update'],
    ['put', 'replace'],
  ] as const) {
    app[method]('/:baseId/:table', (c) =>
      handle(c, async () => parseBatchUpdateBody(await readJson(c), verb)),
    )
    app[method]('/:baseId/:table/:recordId', (c) =>
      handle(c, async () =>
        parseSingleUpdateBody(await readJson(c), { id: c.req.param('recordId'), verb }),
      ),
    )
  }
  app.delete('/:baseId/:table', (c) =>
    handle(c, () => Promise.resolve(parseDeleteQuery(new URL(c.req.url).searchParams))),
  )
  app.delete('/:baseId/:table/:recordId', (c) =>
    handle(c, () =>
      Promise.resolve({
        verb: 'delete',
        kind: 'single',
        records: [{ id: c.req.param('recordId') }],
        typecast: false,
        returnFieldsByFieldId: false,
      }),
    ),
  )
  return app
}

interface WriteCall {
  ctx: ApiContext
  waiter: MutationWaiter
  c: Context<ApiEnv>
  body: WriteBody
}

async function handleWrite(
  request: Omit<WriteCall, 'body'> & { body: () => Promise<WriteBody> },
): Promise<Response> {
  const { ctx, c } = request
  const principal = c.get('principal')
  const target = writeTarget(ctx, {
    principal,
    baseId: c.req.param('baseId') ?? '',
    table: c.req.param('table') ?? '',
  })
  const body = await request.body()
  checkOperation(target.access, body)
  const call: WriteCall = { ...request, body }
  const key = idempotencyKeyOf(c)
  const idempotency =
    key === undefined
      ? undefined
      : {
          baseId: ctx.options.baseId,
          scope: limitKey(principal),
          key,
          requestHash: hashOf(c, body),
        }
  const nowMs = ctx.options.clock.now()
  const result = await acceptWrites(ctx.options.db, {
    baseId: ctx.options.baseId,
    schema: target.schema,
    table: target.table,
    verb: body.verb,
    records: body.records,
    typecast: body.typecast,
    createSelectOptions: target.access.canCreateSelectOptions,
    fieldsToMergeOn: body.fieldsToMergeOn,
    actor: principal.kind === 'service' ? 'service' : principal.sub,
    actorRole: principal.kind === 'service' ? 'service' : principal.role,
    isKnown: target.isKnown,
    authorize: authorizer(target, { nowMs, baseId: ctx.options.baseId }),
    scope: writeScope(target, { nowMs, baseId: ctx.options.baseId }),
    idempotency,
    nowMs,
  })
  if (result.kind === 'replay') {
    return c.json(result.response as object, result.statusCode as WriteReply['status'])
  }
  const reply = await replyTo(call, { target, result, async: prefersAsync(c) })
  // Only the first request of a key records its answer; a replay in flight only reports.
  if (idempotency !== undefined && reply.final && result.kind === 'accepted') {
    await saveIdempotentResponse(ctx.options.db, {
      ...idempotency,
      statusCode: reply.status,
      response: reply.body,
    })
  }
  if (reply.async) c.header('Preference-Applied', PREFER_RESPOND_ASYNC)
  return c.json(reply.body as object, reply.status)
}

/** The reply, and whether it is the request's final answer (one to replay). */
async function replyTo(
  call: WriteCall,
  request: {
    target: WriteTarget
    result: Exclude<AcceptResult, { kind: 'replay' }>
    async: boolean
  },
): Promise<WriteReply & { final: boolean; async: boolean }> {
  const { ctx, body } = call
  const ids =
    request.result.kind === 'accepted'
      ? request.result.records.map((r) => r.mutationId)
      : request.result.mutationIds
  if (request.async) {
    const rows = await getMutations(ctx.options.db, ids)
    return { ...acceptedReply(inOrder(ids, rows)), final: true, async: true }
  }
  const timeoutMs = ctx.options.writes?.waitTimeoutMs ?? DEFAULT_WRITE_WAIT_TIMEOUT_MS
  const settled = await call.waiter.wait(ids, { timeoutMs })
  if (settled === undefined) {
    const rows = await getMutations(ctx.options.db, ids)
    return { ...acceptedReply(inOrder(ids, rows)), final: false, async: false }
  }
  const reply = settledReply(request.target, { body, mutations: inOrder(ids, settled) })
  return { ...reply, final: reply.status !== 202, async: false }
}

function inOrder(ids: readonly string[], rows: readonly StoredMutation[]): StoredMutation[] {
  const byId = new Map(rows.map((row) => [row.mutationId, row]))
  return ids.map((id) => byId.get(id)).filter((row) => row !== undefined)
}

function prefersAsync(c: Context): boolean {
  const prefer = c.req.header('prefer') ?? ''
  return prefer
    .split(',')
    .some((token) => token.split(';')[0]?.trim().toLowerCase() === PREFER_RESPOND_ASYNC)
}

function idempotencyKeyOf(c: Context): string | undefined {
  const key = c.req.header(IDEMPOTENCY_KEY_HEADER)?.trim()
  if (key === undefined || key === '') return undefined
  if (key.length > 255) throw invalidRequest('Idempotency-Key is longer than 255 characters')
  return key
}

/** Identifies a request for its idempotency key: method, path and the parsed body. */
function hashOf(c: Context, body: WriteBody): string {
  const path = new URL(c.req.url).pathname
  return createHash('sha256')
    .update(`${c.req.method} ${path} ${stableJson(body)}`)
    .digest('hex')
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
