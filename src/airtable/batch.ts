/**
 * Chunked writes (airtable-api.md §3: at most 10 records per create, update, upsert or delete).
 * Chunks are sent one after another, so results keep the caller's order and a failure stops the
 * rest; the error then says which chunk failed and which records the earlier chunks wrote.
 */
import { AirtableError } from './errors.ts'

/** Records per write request. */
export const MAX_RECORDS_PER_WRITE = 10

/** Splits `items` into chunks of at most `size`, in order; pure. */
export function chunk<T>(items: readonly T[], size: number = MAX_RECORDS_PER_WRITE): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be ≥ 1, got ${size}`)
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}

/** How {@link runChunks} sends one chunk and names what it wrote. */
export interface ChunkRunner<TIn, TOut> {
  send: (chunk: TIn[], index: number) => Promise<TOut[]>
  /** The record ID of one result, for {@link AirtableError.batch}. */
  idOf: (result: NoInfer<TOut>) => string
}

/**
 * Sends `items` in chunks of ten, sequentially, and concatenates the results. An
 * {@link AirtableError} from chunk k is rethrown with `batch` set (chunk index, and the IDs the
 * chunks before k wrote).
 */
export async function runChunks<TIn, TOut>(
  items: readonly TIn[],
  runner: ChunkRunner<TIn, TOut>,
): Promise<TOut[]> {
  const chunks = chunk(items)
  const results: TOut[] = []
  for (const [index, part] of chunks.entries()) {
    try {
      results.push(...(await runner.send(part, index)))
    } catch (error) {
      if (!(error instanceof AirtableError)) throw error
      throw error.with({
        batch: {
          chunkIndex: index,
          chunkCount: chunks.length,
          completedRecordIds: results.map(runner.idOf),
        },
      })
    }
  }
  return results
}
