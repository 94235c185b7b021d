/**
 * The writing side of the chaos driver (test/chaos.ts) and the takeover test: a client that
 * behaves as a real one would — every write carries an `Idempotency-Key` and one that got no
 * answer (connection refused or reset by a kill, 5xx) is sent again with the same key until it
 * is answered — and chains of writes, one chain per record, its writes in order (each waits for
 * its 202), chains running concurrently. Updates after a create use its temporary ID; once the
 * create is committed the temporary ID is gone, the write is refused (nothing queued) and the
 * client asks `GET /v1/mutations/{id}` for the real ID and writes again under a new key.
 */
import { randomBytes } from 'node:crypto'
import { TEST_BASE_ID } from '../src/emulator/test-base.ts'
import { sleep } from '../src/shared/index.ts'

/** The servers' service key. */
export const SERVICE_KEY = 'airsync-chaos-service-key-0123456789'
/** The table written (the emulator's test base). */
export const TABLE = 'Tasks'

/** A chain's last accepted write. */
export interface Expected {
  deleted: boolean
  fields: { Priority: number; Notes: string }
}

/** One record's writes. */
export interface Chain {
  index: number
  /** A seeded record's ID, or undefined for a chain that creates its record. */
  existingId: string | undefined
  marker: string
  ops: ('update' | 'delete')[]
  /** The create's mutation (new chains). */
  createMutationId?: string | undefined
  currentId?: string
  expected?: Expected
}

interface Answer {
  status: number
  body: unknown
}

/**
 * A client that resends a request with the same key until it is answered (not 5xx). Requests
 * take turns over `urls()` (servers sharing one database); an unanswered one tries the next.
 */
export function chaosClient(urls: () => readonly string[]): {
  send(request: { method: string; path: string; body?: unknown; key: string }): Promise<Answer>
  get(path: string): Promise<Answer>
  resends(): number
} {
  let resends = 0
  let turn = 0
  const call = async (request: {
    method: string
    path: string
    body?: unknown
    key?: string
  }): Promise<Answer> => {
    for (;;) {
      const all = urls()
      turn += 1
      const url = all[turn % all.length] ?? ''
      try {
        const response = await fetch(`${url}${request.path}`, {
          method: request.method,
          headers: {
            authorization: `Bearer ${SERVICE_KEY}`,
            prefer: 'respond-async',
            ...(request.key !== undefined && { 'idempotency-key': request.key }),
            ...(request.body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
          signal: AbortSignal.timeout(20_000),
        })
        const text = await response.text()
        if (response.status < 500) {
          return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
        }
      } catch {
        // No answer (the server was killed, or is starting): ask again, same key.
      }
      resends += 1
      await sleep(100)
    }
  }
  return {
    send: call,
    get: (path) => call({ method: 'GET', path }),
    resends: () => resends,
  }
}

/** The chaos client. */
export type ChaosClient = ReturnType<typeof chaosClient>

/** Plans chains of writes: new records (create, updates, maybe a delete) and seeded ones. */
export function planChains(input: {
  writes: number
  random: () => number
  seededIds: string[]
}): Chain[] {
  const { random } = input
  const chains: Chain[] = []
  const run = randomBytes(3).toString('hex')
  let planned = 0
  let seededLeft = [...input.seededIds]
  while (planned < input.writes) {
    const index = chains.length
    const existing = seededLeft.length > 0 && random() < 0.3 ? seededLeft[0] : undefined
    if (existing !== undefined) seededLeft = seededLeft.slice(1)
    const length = Math.min(input.writes - planned, 2 + Math.floor(random() * 6))
    const ops: Chain['ops'] = []
    // A new chain's first write is its create; the rest update, the last may delete.
    const rest = existing === undefined ? length - 1 : length
    for (let i = 0; i < rest; i += 1) {
      ops.push(i === rest - 1 && random() < 0.25 ? 'delete' : 'update')
    }
    chains.push({ index, existingId: existing, marker: `chaos-${run}-${index}`, ops })
    planned += length
  }
  return chains
}

/** What the chains did so far. */
export interface ChainCounters {
  sent: number
  accepted: number
  tempIdRefusals: number
  refused: string[]
}

/** Runs the chains, `concurrency` at a time (each chain's writes in order). */
export async function runChains(input: {
  chains: Chain[]
  client: ChaosClient
  counters: ChainCounters
  acceptedIds: string[]
  concurrency: number
}): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    for (;;) {
      const chain = input.chains[next]
      next += 1
      if (chain === undefined) return
      await runChain(chain, input)
    }
  }
  await Promise.all(Array.from({ length: input.concurrency }, worker))
}

async function runChain(
  chain: Chain,
  ctx: {
    client: ChaosClient
    counters: ChainCounters
    acceptedIds: string[]
  },
): Promise<void> {
  const path = `/v0/${TEST_BASE_ID}/${TABLE}`
  const accept = (answer: Answer, expected: Expected): string | undefined => {
    const mutation = (answer.body as { mutations?: { id: string; recordId?: string }[] })
      .mutations?.[0]
    if (answer.status !== 202 || mutation === undefined) return undefined
    ctx.counters.accepted += 1
    ctx.acceptedIds.push(mutation.id)
    chain.expected = expected
    return mutation.recordId
  }
  if (chain.existingId === undefined) {
    const fields = { Name: chain.marker, Priority: 0, Notes: `${chain.marker} w0` }
    ctx.counters.sent += 1
    const answer = await ctx.client.send({
      method: 'POST',
      path,
      body: { records: [{ fields }] },
      key: `${chain.marker}-0`,
    })
    const tempId = accept(answer, { deleted: false, fields })
    if (tempId === undefined) {
      ctx.counters.refused.push(`${chain.marker} create: ${answer.status}`)
      return
    }
    chain.createMutationId = (answer.body as { mutations: { id: string }[] }).mutations[0]?.id
    chain.currentId = tempId
  } else {
    chain.currentId = chain.existingId
  }
  for (const [i, op] of chain.ops.entries()) {
    const step = i + 1
    const fields = { Priority: step, Notes: `${chain.marker} w${step}` }
    ctx.counters.sent += 1
    for (let attempt = 0; ; attempt += 1) {
      const id: string = chain.currentId ?? ''
      const key = `${chain.marker}-${step}-${attempt}`
      const answer =
        op === 'delete'
          ? await ctx.client.send({ method: 'DELETE', path: `${path}/${id}`, key })
          : await ctx.client.send({ method: 'PATCH', path: `${path}/${id}`, body: { fields }, key })
      if (accept(answer, { deleted: op === 'delete', fields }) !== undefined) break
      // The temporary ID resolved between two writes: ask for the real one, write again.
      if (id.startsWith('tmp') && chain.createMutationId !== undefined && attempt < 5) {
        ctx.counters.tempIdRefusals += 1
        const status = await ctx.client.get(`/v1/mutations/${chain.createMutationId}`)
        chain.currentId = (status.body as { recordId?: string }).recordId ?? id
        continue
      }
      ctx.counters.refused.push(
        `${chain.marker} ${op} ${id}: ${answer.status} ${JSON.stringify(answer.body)}`,
      )
      return
    }
  }
}

/** A small seeded PRNG (uniform in [0, 1)), so a failing run can be replayed by its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
