/**
 * Record comments, kept per base + table + record beside the bases (not in their snapshots: a
 * reset or a restart forgets them). A list is newest first; an offset is the index of the next
 * comment, so a walk stays stable while nobody comments in between.
 *
 * Invariants: only the author may change or delete a comment ([?] Airtable's docs say API users
 * may edit only their own; the error type is unknown, we send 403 INVALID_PERMISSIONS); a reply's
 * `parentCommentId` names a comment of the same record.
 */
import type { Comment, CommentAuthor, ListCommentsResponse } from '../protocol/comments.ts'
import { DEFAULT_MESSAGES } from '../protocol/errors.ts'
import { newId } from '../protocol/ids.ts'
import type { Clock } from '../shared/clock.ts'
import { EmulatorError } from './state/index.ts'

/** Which record a comment belongs to. */
export interface CommentTarget {
  baseId: string
  tableId: string
  recordId: string
}

const keyOf = (t: CommentTarget): string => `${t.baseId}/${t.tableId}/${t.recordId}`

const notFound = (): EmulatorError =>
  new EmulatorError({ type: 'NOT_FOUND', message: 'Could not find a comment with that ID' })

const notAuthor = (): EmulatorError =>
  new EmulatorError({
    type: 'INVALID_PERMISSIONS',
    message: DEFAULT_MESSAGES.INVALID_PERMISSIONS,
  })

/** Every comment of every record, in memory. */
export class CommentStore {
  readonly #byRecord = new Map<string, Comment[]>()
  readonly #clock: Clock

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** The number of comments on a record (`recordMetadata[]=commentCount`). */
  count(target: CommentTarget): number {
    return this.#byRecord.get(keyOf(target))?.length ?? 0
  }

  /** One page, newest first; `offset` as a previous page returned it. */
  list(target: CommentTarget, page: { pageSize: number; offset?: string }): ListCommentsResponse {
    const all = [...(this.#byRecord.get(keyOf(target)) ?? [])].reverse()
    const start = page.offset === undefined ? 0 : Number(page.offset)
    if (!Number.isInteger(start) || start < 0) {
      throw new EmulatorError({
        type: 'INVALID_OFFSET_VALUE',
        message: `The value of offset ${String(page.offset)} is invalid`,
      })
    }
    const end = start + page.pageSize
    return {
      comments: structuredClone(all.slice(start, end)),
      offset: end < all.length ? String(end) : null,
    }
  }

  /** Adds a comment by `author`. */
  create(
    target: CommentTarget,
    input: { author: CommentAuthor; text: string; parentCommentId?: string },
  ): Comment {
    const comments = this.#byRecord.get(keyOf(target)) ?? []
    if (
      input.parentCommentId !== undefined &&
      !comments.some((c) => c.id === input.parentCommentId)
    ) {
      throw notFound()
    }
    const comment: Comment = {
      id: newId('com'),
      author: input.author,
      text: input.text,
      createdTime: new Date(this.#clock.now()).toISOString(),
      lastUpdatedTime: null,
      ...(input.parentCommentId !== undefined && { parentCommentId: input.parentCommentId }),
    }
    comments.push(comment)
    this.#byRecord.set(keyOf(target), comments)
    return structuredClone(comment)
  }

  /** Replaces a comment's text; only its author may. */
  update(
    target: CommentTarget,
    input: { commentId: string; authorId: string; text: string },
  ): Comment {
    const comment = this.#find(target, input.commentId)
    if (comment.author.id !== input.authorId) throw notAuthor()
    comment.text = input.text
    comment.lastUpdatedTime = new Date(this.#clock.now()).toISOString()
    return structuredClone(comment)
  }

  /** Deletes a comment; only its author may. */
  delete(target: CommentTarget, input: { commentId: string; authorId: string }): void {
    const comments = this.#byRecord.get(keyOf(target)) ?? []
    const comment = this.#find(target, input.commentId)
    if (comment.author.id !== input.authorId) throw notAuthor()
    this.#byRecord.set(
      keyOf(target),
      comments.filter((c) => c.id !== input.commentId),
    )
  }

  #find(target: CommentTarget, commentId: string): Comment {
    const comment = this.#byRecord.get(keyOf(target))?.find((c) => c.id === commentId)
    if (comment === undefined) throw notFound()
    return comment
  }
}
