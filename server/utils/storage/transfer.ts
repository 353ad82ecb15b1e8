// Topics in and out of the export format of shared/protocol.ts (TopicsExport): the active branch of
// each topic, oldest message first. An import is one transaction: all of its topics or none.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import type { ExportedMessage, ExportedTopic } from '#shared/protocol'
import { messages, topics, type MessageRow, type TopicRow } from '../../database/schema'
import { useDb } from '../db'
import { newId } from '../ids'
import { allMessages } from './messages'

function toExportedMessage(row: MessageRow): ExportedMessage {
  return {
    role: row.role,
    content: row.content,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    ...(row.agentId ? { agentId: row.agentId } : {}),
    ...(row.error ? { error: row.error } : {}),
  }
}

export async function exportedTopic(topic: TopicRow): Promise<ExportedTopic> {
  return {
    title: topic.title,
    agentId: topic.agentId,
    createdAt: topic.createdAt.toISOString(),
    updatedAt: topic.updatedAt.toISOString(),
    messages: (await allMessages(topic.id)).map(toExportedMessage),
  }
}

/** The owner's topics (not deleted), oldest first. */
export async function ownTopics(ownerId: string): Promise<TopicRow[]> {
  const db = await useDb()
  return db.select().from(topics).where(and(eq(topics.ownerId, ownerId), isNull(topics.deletedAt))).orderBy(asc(topics.createdAt))
}

/** Rows per insert statement: well under Postgres' 65,535 parameters. */
const CHUNK = 2_000

function messageRows(topicId: string, list: ExportedMessage[]): (typeof messages.$inferInsert)[] {
  let parentId: string | null = null
  return list.map((message) => {
    const id = newId('msg')
    const createdAt = new Date(message.createdAt)
    const row = {
      id,
      topicId,
      role: message.role,
      content: message.content,
      // A reply that was being written when it was exported will never finish here.
      status: message.status === 'streaming' ? 'stopped' as const : message.status,
      agentId: message.agentId ?? null,
      error: message.error ?? null,
      parentId,
      createdAt,
      updatedAt: createdAt,
      activeAt: createdAt,
    }
    parentId = id
    return row
  })
}

/** Stores the topics with their messages as one line each, all or nothing; returns the topics. */
export async function insertImported(ownerId: string, list: (ExportedTopic & { agentId: string })[]): Promise<TopicRow[]> {
  const db = await useDb()
  return db.transaction(async (tx) => {
    const ids: string[] = []
    for (const topic of list) {
      const topicId = newId('tp')
      ids.push(topicId)
      await tx.insert(topics).values({
        id: topicId,
        ownerId,
        title: topic.title,
        agentId: topic.agentId,
        createdAt: new Date(topic.createdAt),
        updatedAt: new Date(topic.updatedAt),
      })
      const rows = messageRows(topicId, topic.messages)
      // In order: positions follow insertion, and the conversation is the rows in position order.
      for (let start = 0; start < rows.length; start += CHUNK) await tx.insert(messages).values(rows.slice(start, start + CHUNK))
    }
    return ids.length ? tx.select().from(topics).where(inArray(topics.id, ids)) : []
  })
}
