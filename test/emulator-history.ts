/**
 * What the emulator (Airtable) committed, in order: the values one field of one record took,
 * read from the emulator's webhook payloads (airtable-api.md §7.5: one payload per committed
 * change, in base transaction order). Tests use it to check that writes landed once and in
 * order. Reading payloads by cursor changes nothing for the server's own webhook.
 */
import type { EmulatorFixture } from './emulator-fixture.ts'

interface Payload {
  baseTransactionNumber: number
  changedTablesById?: Record<
    string,
    { changedRecordsById?: Record<string, { current: { cellValuesByFieldId: object } }> }
  >
}

async function getJson<T>(emulator: EmulatorFixture, path: string): Promise<T> {
  const response = await fetch(`${emulator.url}${path}`, {
    headers: { authorization: `Bearer ${emulator.token}` },
  })
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`)
  return (await response.json()) as T
}

/** The values `field` of `recordId` in `table` took, one per committed change, oldest first. */
export async function fieldHistory(
  emulator: EmulatorFixture,
  target: { table: string; recordId: string; field: string },
): Promise<unknown[]> {
  const base = emulator.baseId
  const { tables } = await getJson<{
    tables: { id: string; name: string; fields: { id: string; name: string }[] }[]
  }>(emulator, `/v0/meta/bases/${base}/tables`)
  const table = tables.find((t) => t.name === target.table)
  const fieldId = table?.fields.find((f) => f.name === target.field)?.id
  if (table === undefined || fieldId === undefined)
    throw new Error(`no ${target.table}.${target.field}`)
  const { webhooks } = await getJson<{ webhooks: { id: string }[] }>(
    emulator,
    `/v0/bases/${base}/webhooks`,
  )
  const hook = webhooks[0]
  if (hook === undefined) throw new Error('the server made no webhook')
  const values: unknown[] = []
  let cursor = 1
  for (;;) {
    const page = await getJson<{ payloads: Payload[]; cursor: number; mightHaveMore: boolean }>(
      emulator,
      `/v0/bases/${base}/webhooks/${hook.id}/payloads?cursor=${cursor}`,
    )
    for (const payload of page.payloads) {
      const change = payload.changedTablesById?.[table.id]?.changedRecordsById?.[target.recordId]
      const cells = change?.current.cellValuesByFieldId as Record<string, unknown> | undefined
      if (cells !== undefined && fieldId in cells) values.push(cells[fieldId])
    }
    if (!page.mightHaveMore || page.cursor === cursor) return values
    cursor = page.cursor
  }
}
