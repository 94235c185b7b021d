/**
 * Record comments (airtable-api.md §2.11; Airtable's "List comments", "Create comment", "Update
 * comment", "Delete comment"): `GET|POST /v0/{baseId}/{table}/{recordId}/comments` and
 * `PATCH|DELETE …/comments/{commentId}`. A list is newest first, `pageSize` ≤ 100, with an
 * `offset` while more remain (`null` on the last page, as Airtable's docs show it).
 */
import { z } from 'zod'

/** Who wrote a comment. */
export const commentAuthorSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().optional(),
})
export type CommentAuthor = z.infer<typeof commentAuthorSchema>

/** A comment as Airtable sends it. `mentioned` is keyed by user ID [?] (not emulated). */
export const commentSchema = z.object({
  id: z.string(),
  author: commentAuthorSchema,
  text: z.string(),
  createdTime: z.string(),
  lastUpdatedTime: z.string().nullable(),
  parentCommentId: z.string().optional(),
  mentioned: z.record(z.string(), z.unknown()).optional(),
})
export type Comment = z.infer<typeof commentSchema>

/** `GET …/comments` */
export const listCommentsResponseSchema = z.object({
  comments: z.array(commentSchema),
  offset: z.string().nullable(),
})
export type ListCommentsResponse = z.infer<typeof listCommentsResponseSchema>

/** `POST …/comments` body; `PATCH …/comments/{id}` takes `text` only. */
export const commentInputSchema = z.object({
  text: z.string().min(1),
  parentCommentId: z.string().optional(),
})
export type CommentInput = z.infer<typeof commentInputSchema>

/** `DELETE …/comments/{id}` */
export const deletedCommentSchema = z.object({ id: z.string(), deleted: z.literal(true) })

/** The largest `pageSize` of a comment list. @see airtable-api.md §2.11 */
export const MAX_COMMENT_PAGE_SIZE = 100
