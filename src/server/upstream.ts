/**
 * The API's upstream port: what it asks Airtable itself, through the server's client (so its
 * limiter, retries and typed errors). The base name is read once and kept; comments go through at
 * the 'write' priority, as a caller waits for them.
 */
import type { AirtableClient, EndpointKind, HttpMethod } from '../airtable/index.ts'
import type { CommentRequest, UpstreamPort } from '../api/index.ts'
import {
  commentSchema,
  deletedCommentSchema,
  listCommentsResponseSchema,
} from '../protocol/index.ts'

const enc = encodeURIComponent

/** Builds the port for one base. */
export function createUpstream(airtable: AirtableClient, baseId: string): UpstreamPort {
  let name: Promise<string> | undefined
  return {
    baseName() {
      name ??= airtable.meta
        .listBases({ priority: 'write' })
        .then((bases) => bases.find((b) => b.id === baseId)?.name ?? baseId)
        .catch((error: unknown) => {
          name = undefined
          throw error
        })
      return name
    },
    comments: (request) => sendComment(airtable, baseId, request),
  }
}

function sendComment(
  airtable: AirtableClient,
  baseId: string,
  request: CommentRequest,
): Promise<unknown> {
  const path = `/v0/${enc(baseId)}/${enc(request.tableId)}/${enc(request.recordId)}/comments`
  const spec = (method: HttpMethod, endpoint: EndpointKind) => ({
    method,
    endpoint,
    baseId,
    call: { priority: 'write' as const },
  })
  switch (request.kind) {
    case 'list': {
      const query = new URLSearchParams()
      if (request.pageSize !== undefined) query.set('pageSize', String(request.pageSize))
      if (request.offset !== undefined) query.set('offset', request.offset)
      return airtable.request({
        ...spec('GET', 'listComments'),
        path,
        query,
        schema: listCommentsResponseSchema,
      })
    }
    case 'create':
      return airtable.request({
        ...spec('POST', 'createComment'),
        path,
        body: request.input,
        schema: commentSchema,
      })
    case 'update':
      return airtable.request({
        ...spec('PATCH', 'updateComment'),
        path: `${path}/${enc(request.commentId)}`,
        body: { text: request.text },
        schema: commentSchema,
      })
    case 'delete':
      return airtable.request({
        ...spec('DELETE', 'deleteComment'),
        path: `${path}/${enc(request.commentId)}`,
        schema: deletedCommentSchema,
      })
  }
}
