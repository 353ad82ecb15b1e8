// Database rows to the wire shapes of shared/protocol.ts.
import { LIMITS, type Message, type Task, type Topic } from '#shared/protocol'
import type { MessageRow, TaskRow, TopicRow } from '../../database/schema'
import { capText } from '../caps'

export function toTopic(row: TopicRow): Topic {
  return {
    id: row.id,
    title: row.title,
    agentId: row.agentId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** `versions`: the ids of every version at the message's position, when it has more than one (branches.ts). */
export function toMessage(row: MessageRow, versions?: string[]): Message {
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
    ...(row.parentId ? { parentId: row.parentId } : {}),
    ...(versions && versions.length > 1 ? { versions } : {}),
    createdAt: row.createdAt.toISOString(),
  }
}

/** What a task was asked, as text: its input's strings (code, expression), or nothing when it has none. */
export function taskInputText(input: unknown): string | undefined {
  if (input === null || input === undefined) return undefined
  const text = typeof input === 'string'
    ? input
    : typeof input === 'object'
      ? Object.values(input).filter(value => typeof value === 'string').join('\n')
      : JSON.stringify(input)
  return text ? capText(text, LIMITS.taskInputChars, 'input') : undefined
}

export function toTask(row: TaskRow): Task {
  const input = taskInputText(row.input)
  return {
    id: row.id,
    topicId: row.topicId,
    ...(row.messageId ? { messageId: row.messageId } : {}),
    kind: row.kind,
    title: row.title,
    status: row.status,
    progress: row.progress,
    ...(input !== undefined ? { input } : {}),
    ...(row.result ? { result: row.result } : {}),
    ...(row.error ? { error: row.error } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}
