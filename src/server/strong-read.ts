/**
 * The API's `consistency=strong` port: reads sent straight to Airtable through the server's
 * client (and so its limiter). A caller is waiting, so these go at the 'write' priority, ahead of
 * change ingestion and resync.
 */
import type { AirtableClient, ListParams as ClientListParams } from '../airtable/index.ts'
import type { StrongRead } from '../api/index.ts'

/** Builds the port for one base. */
export function createStrongRead(
  airtable: AirtableClient,
  baseId: string,
): (read: StrongRead) => Promise<unknown> {
  return async (read) => {
    const table = airtable.table(baseId, read.tableId)
    switch (read.kind) {
      case 'get':
        return table.get(read.recordId, { returnFieldsByFieldId: true, priority: 'write' })
      case 'list': {
        const p = read.params
        const params: ClientListParams = {
          pageSize: p.pageSize,
          cellFormat: p.cellFormat,
          returnFieldsByFieldId: p.returnFieldsByFieldId,
          ...(p.maxRecords !== undefined && { maxRecords: p.maxRecords }),
          ...(p.offset !== undefined && { offset: p.offset }),
          ...(p.view !== undefined && { view: p.view }),
          ...(p.fields !== undefined && { fields: p.fields }),
          ...(p.filterByFormula !== undefined && { filterByFormula: p.filterByFormula }),
          ...(p.sort !== undefined && { sort: p.sort }),
          ...(p.timeZone !== undefined && { timeZone: p.timeZone }),
          ...(p.userLocale !== undefined && { userLocale: p.userLocale }),
          ...(p.recordMetadata.includes('commentCount') && {
            recordMetadata: ['commentCount'] as const,
          }),
        }
        return table.list(params, { priority: 'write' })
      }
    }
  }
}
