// Every change a user's sockets hear about, as one function each: the row becomes its wire shape and
// its frame here, and is published once through the bus (to every socket of the owner, on every
// instance). Services call these; nobody else builds a server frame for a user.
import { serverFrame, type MessageError, type ServerPayload } from '#shared/protocol'
import type { MessageRow, TaskRow, TopicRow } from '../database/schema'
import { publishFrame } from './bus'
import { toMessage, toTask, toTopic } from './storage/mappers'

export const announce = {
  topicCreated: (topic: TopicRow) => publishFrame(topic.ownerId, serverFrame('topic.created', { topic: toTopic(topic) })),
  topicUpdated: (topic: TopicRow) => publishFrame(topic.ownerId, serverFrame('topic.updated', { topic: toTopic(topic) })),
  topicDeleted: (ownerId: string, topicId: string) => publishFrame(ownerId, serverFrame('topic.deleted', { topicId })),
  messageCreated: (ownerId: string, message: MessageRow, versions?: string[]) => publishFrame(ownerId, serverFrame('message.created', { message: toMessage(message, versions) })),
  messageDelta: (ownerId: string, delta: ServerPayload<'message.delta'>) => publishFrame(ownerId, serverFrame('message.delta', delta)),
  /** A reply's end: completed (stopped or not) or failed with its error. */
  messageEnded(ownerId: string, message: MessageRow, versions?: string[]) {
    const wire = toMessage(message, versions)
    if (message.status === 'failed') {
      const error: MessageError = message.error ?? { code: 'failed', message: 'This reply failed.' }
      publishFrame(ownerId, serverFrame('message.failed', { message: { ...wire, error } }))
    }
    else {
      publishFrame(ownerId, serverFrame('message.completed', { message: { ...wire, ...(message.status === 'stopped' ? { stopped: true } : {}) } }))
    }
  },
  messagesDeleted: (ownerId: string, topicId: string, messageIds: string[]) => publishFrame(ownerId, serverFrame('message.deleted', { topicId, messageIds })),
  /** A page that replaces what the sockets hold of the topic (`reset`): a branch switch, a restore. */
  topicHistory: (ownerId: string, history: ServerPayload<'topic.history'>) => publishFrame(ownerId, serverFrame('topic.history', history)),
  taskUpdated: (task: TaskRow) => publishFrame(task.ownerId, serverFrame('task.updated', { task: toTask(task) })),
}
