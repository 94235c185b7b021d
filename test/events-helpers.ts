/**
 * Helpers for the change stream tests: find Presence records through airsync's own API and
 * write changes straight into the mirror (with their feed entries), as ingestion would.
 */
import { findField, findTable, type Fields } from '../src/protocol/index.ts'
import { appendChanges, upsertRecords, type Db } from '../src/store/index.ts'
import type { Stack } from './stack.ts'

/** A record as `/v0` returns it. */
export interface ApiRecord {
  id: string
  createdTime: string
  fields: Record<string, unknown>
}

/** Every record of a table, read as the service key (one page of up to 100 is enough here). */
export async function listAll(stack: Stack, table: string, formula?: string): Promise<ApiRecord[]> {
  const query = formula === undefined ? '' : `?filterByFormula=${encodeURIComponent(formula)}`
  const response = await stack.request(`/v0/${stack.baseId}/${encodeURIComponent(table)}${query}`, {
    token: stack.serviceKey,
  })
  if (!response.ok) throw new Error(`list ${table}: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { records: ApiRecord[] }).records
}

/** The mirror's table ID and its fields by name → ID. */
export function tableOf(stack: Stack, name: string): { id: string; fieldId(name: string): string } {
  const schema = stack.server.policy()?.schema
  const table = schema === undefined ? undefined : findTable(schema, name)
  if (table === undefined) throw new Error(`no table ${name}`)
  return {
    id: table.id,
    fieldId: (field) => {
      const found = findField(table, field)
      if (found === undefined) throw new Error(`no field ${field} in ${name}`)
      return found.id
    },
  }
}

/** Writes cells (by name) into one mirror record, as a webhook payload would (merge). */
export async function editRecord(
  stack: Stack,
  edit: { table: string; id: string; fields: Record<string, unknown>; db?: Db },
): Promise<number> {
  const table = tableOf(stack, edit.table)
  const fields: Fields = {}
  for (const [name, value] of Object.entries(edit.fields)) fields[table.fieldId(name)] = value
  const result = await upsertRecords(edit.db ?? stack.server.db, {
    baseId: stack.baseId,
    tableId: table.id,
    records: [{ id: edit.id, fields }],
    mode: 'merge',
    source: 'test',
  })
  if (result.lastSeq === undefined) throw new Error('the edit changed nothing')
  return result.lastSeq
}

/** Appends a mutation outcome to the feed, as the outbox writer does. */
export async function appendMutationOutcome(
  stack: Stack,
  outcome: { table: string; mutationId: string; actor: string; state: string; recordId: string },
): Promise<number> {
  const [seq] = await appendChanges(stack.server.db, [
    {
      baseId: stack.baseId,
      tableId: tableOf(stack, outcome.table).id,
      recordId: outcome.recordId,
      kind: 'mutation',
      source: 'outbox',
      mutationId: outcome.mutationId,
      actor: outcome.actor,
      data: {
        state: outcome.state,
        recordId: outcome.recordId,
        ...(outcome.state === 'failed' && {
          error: { type: 'INVALID_VALUE_FOR_COLUMN', message: 'bad value' },
        }),
      },
    },
  ])
  if (seq === undefined) throw new Error('nothing appended')
  return seq
}
