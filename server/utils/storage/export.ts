// "Download all my data": the user, then each topic with its messages (every version, with its
// parentId) and tasks, as one JSON document written topic by topic, so that a large account never
// sits in memory at once. What is deleted and waiting to be purged is left out.
import { and, asc, eq, isNull } from 'drizzle-orm'
import { messages, tasks, topics, type UserRow } from '../../database/schema'
import { useDb } from '../db'
import { toMessage, toTask, toTopic } from './mappers'

export async function* exportUserData(user: UserRow): AsyncGenerator<string> {
  const db = await useDb()
  const profile = { id: user.id, name: user.name, email: user.email, guest: user.guest, createdAt: user.createdAt.toISOString() }
  yield `{"format":"agent-chat-export","version":1,"exportedAt":${JSON.stringify(new Date().toISOString())},"user":${JSON.stringify(profile)},"topics":[`
  const owned = await db.select().from(topics).where(and(eq(topics.ownerId, user.id), isNull(topics.deletedAt))).orderBy(asc(topics.createdAt))
  for (const [index, topic] of owned.entries()) {
    const [messageRows, taskRows] = await Promise.all([
      db.select().from(messages).where(and(eq(messages.topicId, topic.id), isNull(messages.deletedAt))).orderBy(asc(messages.position)),
      db.select().from(tasks).where(eq(tasks.topicId, topic.id)).orderBy(asc(tasks.createdAt)),
    ])
    const entry = { ...toTopic(topic), messages: messageRows.map(row => toMessage(row)), tasks: taskRows.map(toTask) }
    yield `${index ? ',' : ''}${JSON.stringify(entry)}`
  }
  yield ']}'
}
