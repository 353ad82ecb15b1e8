// Topics. Every read and write names the owner: a foreign topic id behaves exactly as an unknown one,
// and so does a soft-deleted one (until topic.restore brings it back).
import { and, count, desc, eq, gt, isNull } from 'drizzle-orm'
import { topics, type TopicRow } from '../../database/schema'
import { useDb } from '../db'
import { notFound } from '../errors'
import { newId } from '../ids'

/** The owner's topic `topicId` that is not deleted. */
function owned(ownerId: string, topicId: string) {
  return and(eq(topics.id, topicId), eq(topics.ownerId, ownerId), isNull(topics.deletedAt))
}

export async function listTopics(ownerId: string): Promise<TopicRow[]> {
  const db = await useDb()
  return db.select().from(topics).where(and(eq(topics.ownerId, ownerId), isNull(topics.deletedAt))).orderBy(desc(topics.updatedAt))
}

export async function countTopics(ownerId: string): Promise<number> {
  const db = await useDb()
  const [row] = await db.select({ value: count() }).from(topics).where(and(eq(topics.ownerId, ownerId), isNull(topics.deletedAt)))
  return row?.value ?? 0
}

export async function findTopic(ownerId: string, topicId: string): Promise<TopicRow | undefined> {
  const db = await useDb()
  const [row] = await db.select().from(topics).where(owned(ownerId, topicId)).limit(1)
  return row
}

/** A topic by id alone, for work that already knows it is allowed (a reaper failing an orphaned reply). */
export async function findTopicById(topicId: string): Promise<TopicRow | undefined> {
  const db = await useDb()
  const [row] = await db.select().from(topics).where(eq(topics.id, topicId)).limit(1)
  return row
}

export async function requireTopic(ownerId: string, topicId: string): Promise<TopicRow> {
  const row = await findTopic(ownerId, topicId)
  if (!row) throw notFound('Topic')
  return row
}

export async function insertTopic(ownerId: string, values: { title: string, agentId: string }): Promise<TopicRow> {
  const db = await useDb()
  const [row] = await db.insert(topics).values({ id: newId('tp'), ownerId, ...values }).returning()
  return row!
}

export async function updateTopic(ownerId: string, topicId: string, values: Partial<Pick<TopicRow, 'title' | 'agentId'>>): Promise<TopicRow> {
  const db = await useDb()
  const [row] = await db
    .update(topics)
    .set({ ...values, updatedAt: new Date() })
    .where(owned(ownerId, topicId))
    .returning()
  if (!row) throw notFound('Topic')
  return row
}

/** Soft delete: topic.restore brings it back within UNDO_SECONDS, the cleanup sweep purges it after. */
export async function softDeleteTopic(ownerId: string, topicId: string): Promise<void> {
  const db = await useDb()
  const deleted = await db.update(topics).set({ deletedAt: new Date() }).where(owned(ownerId, topicId)).returning({ id: topics.id })
  if (!deleted.length) throw notFound('Topic')
}

/** Undoes a soft delete made after `since`; undefined when there is none (never deleted, foreign, or too late). */
export async function undeleteTopic(ownerId: string, topicId: string, since: Date): Promise<TopicRow | undefined> {
  const db = await useDb()
  const [row] = await db.update(topics).set({ deletedAt: null })
    .where(and(eq(topics.id, topicId), eq(topics.ownerId, ownerId), gt(topics.deletedAt, since)))
    .returning()
  return row
}

/** Sets a generated title unless the title changed since `from` (a person renamed the topic). */
export async function retitleTopic(ownerId: string, topicId: string, from: string, to: string): Promise<TopicRow | undefined> {
  const db = await useDb()
  const [row] = await db
    .update(topics)
    .set({ title: to })
    .where(and(owned(ownerId, topicId), eq(topics.title, from)))
    .returning()
  return row
}
