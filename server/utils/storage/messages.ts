// Messages of a topic, in insertion order. Callers check the topic's owner first (requireTopic).
// What a conversation shows and a model reads is its active branch (storage/branches.ts) without the
// soft-deleted messages: `shown` below.
import { and, asc, count, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import { messages, topics, type MessageRow } from '../../database/schema'
import type { MessageError, Usage } from '#shared/protocol'
import { useDb } from '../db'
import { notFound } from '../errors'
import { newId } from '../ids'

type NewMessage = Pick<MessageRow, 'topicId' | 'role' | 'content' | 'status'> & Partial<Pick<MessageRow, 'agentId' | 'clientMessageId' | 'parentId'>>

/** The rows of a topic that its conversation shows: the active branch, soft-deleted messages left out. */
export function shown(topicId: string) {
  return and(eq(messages.topicId, topicId), eq(messages.active, true), isNull(messages.deletedAt))
}

/** Stores a message on the active branch (its parent is the branch's leaf, or the message it replaces' parent). */
export async function insertMessage(values: NewMessage): Promise<MessageRow> {
  const db = await useDb()
  const [row] = await db.insert(messages).values({ id: newId('msg'), ...values }).returning()
  return row!
}

/** A message of the topic that is not deleted (any version). */
export async function requireMessage(topicId: string, messageId: string): Promise<MessageRow> {
  const db = await useDb()
  const [row] = await db.select().from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.topicId, topicId), isNull(messages.deletedAt))).limit(1)
  if (!row) throw notFound('Message')
  return row
}

/** A message the conversation shows right now. */
export async function requireShownMessage(topicId: string, messageId: string): Promise<MessageRow> {
  const row = await requireMessage(topicId, messageId)
  if (!row.active) throw notFound('Message')
  return row
}

/** The newest message of the active branch, deleted or not: what a new message follows. */
export async function branchLeaf(topicId: string): Promise<MessageRow | undefined> {
  const db = await useDb()
  const [row] = await db.select().from(messages)
    .where(and(eq(messages.topicId, topicId), eq(messages.active, true))).orderBy(desc(messages.position)).limit(1)
  return row
}

export interface Page {
  rows: MessageRow[]
  /** Older messages exist before `rows`. */
  hasMore: boolean
  /** Newer messages exist after `rows`. */
  hasNewer: boolean
}

/** Up to `limit` shown messages older than `position` (all when undefined), oldest first. */
async function olderThan(topicId: string, limit: number, position?: number): Promise<{ rows: MessageRow[], more: boolean }> {
  const db = await useDb()
  const where = position === undefined ? shown(topicId) : and(shown(topicId), lt(messages.position, position))
  const rows = await db.select().from(messages).where(where).orderBy(desc(messages.position)).limit(limit + 1)
  return { rows: rows.slice(0, limit).reverse(), more: rows.length > limit }
}

/** Up to `limit` shown messages newer than `position`, oldest first. */
async function newerThan(topicId: string, limit: number, position: number): Promise<{ rows: MessageRow[], more: boolean }> {
  const db = await useDb()
  const rows = await db.select().from(messages).where(and(shown(topicId), gt(messages.position, position))).orderBy(asc(messages.position)).limit(limit + 1)
  return { rows: rows.slice(0, limit), more: rows.length > limit }
}

/** One page of history, oldest first, ending just before `before` when given. */
export async function pageMessages(topicId: string, limit: number, before?: string): Promise<Page> {
  const anchor = before ? await requireMessage(topicId, before) : undefined
  const { rows, more } = await olderThan(topicId, limit, anchor?.position)
  return { rows, hasMore: more, hasNewer: false }
}

/** The page that starts just after `after`, oldest first. */
export async function pageAfter(topicId: string, limit: number, after: string): Promise<Page> {
  const anchor = await requireMessage(topicId, after)
  const { rows, more } = await newerThan(topicId, limit, anchor.position)
  return { rows, hasMore: true, hasNewer: more }
}

/** `side` shown messages on each side of `target` (which the conversation must show), and the target. */
export async function pageAround(topicId: string, side: number, target: string): Promise<Page> {
  const anchor = await requireShownMessage(topicId, target)
  const [older, newer] = await Promise.all([olderThan(topicId, side, anchor.position), newerThan(topicId, side, anchor.position)])
  return { rows: [...older.rows, anchor, ...newer.rows], hasMore: older.more, hasNewer: newer.more }
}

/** The conversation of a topic, oldest first (a task reads it, an export writes it). */
export async function allMessages(topicId: string): Promise<MessageRow[]> {
  const db = await useDb()
  return db.select().from(messages).where(shown(topicId)).orderBy(asc(messages.position))
}

/** Soft delete: message.restore brings it back within UNDO_SECONDS, the cleanup sweep purges it after. */
export async function softDeleteMessage(topicId: string, messageId: string): Promise<void> {
  const db = await useDb()
  await db.update(messages).set({ deletedAt: new Date() }).where(and(eq(messages.topicId, topicId), eq(messages.id, messageId)))
}

/** Undoes a soft delete made after `since`; false when there is none (never deleted, or too late). */
export async function undeleteMessage(topicId: string, messageId: string, since: Date): Promise<boolean> {
  const db = await useDb()
  const rows = await db.update(messages).set({ deletedAt: null })
    .where(and(eq(messages.topicId, topicId), eq(messages.id, messageId), gt(messages.deletedAt, since)))
    .returning({ id: messages.id })
  return rows.length > 0
}

/** Checkpoints of several streaming replies in one statement; replies that ended meanwhile are left alone. */
export async function saveProgressBatch(rows: { id: string, content: string, seq: number }[]): Promise<void> {
  if (!rows.length) return
  const db = await useDb()
  const values = sql.join(rows.map(row => sql`(${row.id}, ${row.content}, ${row.seq}::integer)`), sql`, `)
  await db.execute(sql`update ${messages} set content = v.content, seq = v.seq, updated_at = now()
    from (values ${values}) as v(id, content, seq)
    where ${messages.id} = v.id and ${messages.status} = 'streaming'`)
}

/** The newest `limit` messages of a topic's conversation, oldest first: what an agent reads of a long topic. */
export async function recentMessages(topicId: string, limit: number): Promise<MessageRow[]> {
  return (await olderThan(topicId, limit)).rows
}

export async function finishMessage(
  messageId: string,
  values: { content: string, seq: number, status: 'complete' | 'stopped' | 'failed', error?: MessageError, usage?: Usage },
): Promise<MessageRow | undefined> {
  const db = await useDb()
  const [row] = await db
    .update(messages)
    .set({ ...values, error: values.error ?? null, usage: values.usage ?? null, updatedAt: new Date() })
    .where(eq(messages.id, messageId))
    .returning()
  return row
}

export const INTERRUPTED_REPLY: MessageError = { code: 'interrupted', message: 'The server stopped while this reply was being written. Regenerate to try again.' }

export async function findMessage(messageId: string): Promise<MessageRow | undefined> {
  const db = await useDb()
  const [row] = await db.select().from(messages).where(eq(messages.id, messageId)).limit(1)
  return row
}

/** Replies of the topic still being written (by any instance). */
export async function streamingMessages(topicId: string): Promise<MessageRow[]> {
  const db = await useDb()
  return db.select().from(messages).where(and(eq(messages.topicId, topicId), eq(messages.status, 'streaming')))
}

/**
 * Replies being written right now, on every instance: the user's (REPLIES_PER_USER counts them) and,
 * of those, the ones in `topicId` (a topic takes one reply at a time). One query for both.
 */
export async function countStreaming(ownerId: string, topicId: string | null): Promise<{ ofUser: number, inTopic: number }> {
  const db = await useDb()
  const [row] = await db
    .select({ ofUser: count(), inTopic: sql<number>`count(*) filter (where ${messages.topicId} = ${topicId ?? ''})`.mapWith(Number) })
    .from(messages)
    .innerJoin(topics, eq(messages.topicId, topics.id))
    .where(and(eq(topics.ownerId, ownerId), eq(messages.status, 'streaming')))
  return { ofUser: row?.ofUser ?? 0, inTopic: row?.inTopic ?? 0 }
}

/** Replies silent (no checkpoint) since `before`, still marked streaming: candidates for orphans. */
export async function silentStreamingMessages(before: Date, limit = 50): Promise<MessageRow[]> {
  const db = await useDb()
  return db.select().from(messages).where(and(eq(messages.status, 'streaming'), lt(messages.updatedAt, before))).limit(limit)
}

/**
 * Fails a reply whose writer is gone, keeping `content` (its text so far). Only a row still
 * streaming changes, so when several instances try, exactly one writes the outcome.
 */
export async function failOrphanedMessage(messageId: string, content: string, seq: number): Promise<MessageRow | undefined> {
  const db = await useDb()
  const [row] = await db
    .update(messages)
    .set({ status: 'failed', content, seq, error: INTERRUPTED_REPLY, updatedAt: new Date() })
    .where(and(eq(messages.id, messageId), eq(messages.status, 'streaming')))
    .returning()
  return row
}

/** Replies left streaming by a process that died: they can never finish, so they fail visibly. */
export async function failInterruptedMessages(olderThan: Date): Promise<number> {
  const db = await useDb()
  const rows = await db
    .update(messages)
    .set({
      status: 'failed',
      error: INTERRUPTED_REPLY,
      updatedAt: new Date(),
    })
    .where(and(eq(messages.status, 'streaming'), lt(messages.updatedAt, olderThan)))
    .returning({ id: messages.id })
  return rows.length
}
