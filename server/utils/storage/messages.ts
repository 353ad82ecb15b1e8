// Messages of a topic, in insertion order. Callers check the topic's owner first (requireTopic).
import { and, asc, count, desc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm'
import { messages, topics, type MessageRow } from '../../database/schema'
import type { MessageError, Usage } from '#shared/protocol'
import { useDb } from '../db'
import { notFound } from '../errors'
import { newId } from '../ids'

type NewMessage = Pick<MessageRow, 'topicId' | 'role' | 'content' | 'status'> & Partial<Pick<MessageRow, 'agentId' | 'clientMessageId'>>

export async function insertMessage(values: NewMessage): Promise<MessageRow> {
  const db = await useDb()
  const [row] = await db.insert(messages).values({ id: newId('msg'), ...values }).returning()
  return row!
}

export async function requireMessage(topicId: string, messageId: string): Promise<MessageRow> {
  const db = await useDb()
  const [row] = await db.select().from(messages).where(and(eq(messages.id, messageId), eq(messages.topicId, topicId))).limit(1)
  if (!row) throw notFound('Message')
  return row
}

/** One page of history, oldest first, ending just before `before` when given. */
export async function pageMessages(topicId: string, limit: number, before?: string): Promise<{ rows: MessageRow[], hasMore: boolean }> {
  const db = await useDb()
  const conditions = [eq(messages.topicId, topicId)]
  if (before) {
    const anchor = await requireMessage(topicId, before)
    conditions.push(lt(messages.position, anchor.position))
  }
  const rows = await db.select().from(messages).where(and(...conditions)).orderBy(desc(messages.position)).limit(limit + 1)
  const hasMore = rows.length > limit
  return { rows: rows.slice(0, limit).reverse(), hasMore }
}

export async function allMessages(topicId: string): Promise<MessageRow[]> {
  const db = await useDb()
  return db.select().from(messages).where(eq(messages.topicId, topicId)).orderBy(asc(messages.position))
}

/** The message and all that follow it in its topic. */
export async function messagesFrom(topicId: string, position: number, inclusive: boolean): Promise<MessageRow[]> {
  const db = await useDb()
  const from = inclusive ? gte(messages.position, position) : gt(messages.position, position)
  return db.select().from(messages).where(and(eq(messages.topicId, topicId), from)).orderBy(asc(messages.position))
}

export async function deleteMessages(topicId: string, ids: string[]): Promise<void> {
  if (!ids.length) return
  const db = await useDb()
  await db.delete(messages).where(and(eq(messages.topicId, topicId), inArray(messages.id, ids)))
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

/** The newest `limit` messages of a topic, oldest first: what an agent reads of a long topic. */
export async function recentMessages(topicId: string, limit: number): Promise<MessageRow[]> {
  const db = await useDb()
  const rows = await db.select().from(messages).where(eq(messages.topicId, topicId)).orderBy(desc(messages.position)).limit(limit)
  return rows.reverse()
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
