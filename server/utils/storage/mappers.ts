// Database rows to the wire shapes of shared/protocol.ts.
import type { Message, Task, Topic } from '#shared/protocol'
import type { MessageRow, TaskRow, TopicRow } from '../../database/schema'

export function toTopic(row: TopicRow): Topic {
  return {
    id: row.id,
    title: row.title,
    agentId: row.agentId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    topicId: row.topicId,
    role: row.role,
    content: row.content,
    status: row.status,
    seq: row.seq,
    ...(row.agentId ? { agentId: row.agentId } : {}),
    ...(row.clientMessageId ? { clientMessageId: row.clientMessageId } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.usage ? { usage: row.usage } : {}),
    createdAt: row.createdAt.toISOString(),
  }
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    topicId: row.topicId,
    ...(row.messageId ? { messageId: row.messageId } : {}),
    kind: row.kind,
    title: row.title,
    status: row.status,
    progress: row.progress,
    ...(row.result ? { result: row.result } : {}),
    ...(row.error ? { error: row.error } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}
