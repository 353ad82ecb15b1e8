// Topics. Every read and write names the owner: a foreign topic id behaves exactly as an unknown one.
import { and, count, desc, eq } from 'drizzle-orm'
import { topics, type TopicRow } from '../../database/schema'
import { useDb } from '../db'
import { notFound } from '../errors'
import { newId } from '../ids'

export async function listTopics(ownerId: string): Promise<TopicRow[]> {
  const db = await useDb()
  return db.select().from(topics).where(eq(topics.ownerId, ownerId)).orderBy(desc(topics.updatedAt))
}

export async function countTopics(ownerId: string): Promise<number> {
  const db = await useDb()
  const [row] = await db.select({ value: count() }).from(topics).where(eq(topics.ownerId, ownerId))
  return row?.value ?? 0
}

export async function findTopic(ownerId: string, topicId: string): Promise<TopicRow | undefined> {
  const db = await useDb()
  const [row] = await db.select().from(topics).where(and(eq(topics.id, topicId), eq(topics.ownerId, ownerId))).limit(1)
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
    .where(and(eq(topics.id, topicId), eq(topics.ownerId, ownerId)))
    .returning()
  if (!row) throw notFound('Topic')
  return row
}

export async function deleteTopic(ownerId: string, topicId: string): Promise<void> {
  const db = await useDb()
  const deleted = await db.delete(topics).where(and(eq(topics.id, topicId), eq(topics.ownerId, ownerId))).returning({ id: topics.id })
  if (!deleted.length) throw notFound('Topic')
}

/** Sets a generated title unless the title changed since `from` (a person renamed the topic). */
export async function retitleTopic(ownerId: string, topicId: string, from: string, to: string): Promise<TopicRow | undefined> {
  const db = await useDb()
  const [row] = await db
    .update(topics)
    .set({ title: to })
    .where(and(eq(topics.id, topicId), eq(topics.ownerId, ownerId), eq(topics.title, from)))
    .returning()
  return row
}
