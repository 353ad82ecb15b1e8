// Edit, regenerate and the version switch. An edit or a regenerate keeps the message it replaces:
// the old message and the branch below it leave the conversation (`message.deleted`, nothing is
// deleted in the database), a new sibling joins it and is answered. message.select brings any
// version back with the branch that was last active below it.
import type { ClientPayload } from '#shared/protocol'
import type { MessageRow, TopicRow } from '../../database/schema'
import { badRequest } from '../errors'
import { announce } from '../events'
import { leaveBranchFrom, selectVersion, versionsOf } from '../storage/branches'
import { findMessage, insertMessage, recentMessages, requireMessage, requireShownMessage, streamingMessages } from '../storage/messages'
import { requireTopic } from '../storage/topics'
import { resetHistory } from './history'
import { withTopicLock } from './locks'
import { admitReply, answer, HISTORY_MESSAGES, stopRepliesOf, touchTopic } from './service'

/** Takes `message` and the branch below it out of the conversation, stopping a reply still written there. */
async function leave(topic: TopicRow, message: MessageRow) {
  await stopRepliesOf(topic.id)
  const left = await leaveBranchFrom(topic.id, message)
  if (left.length) announce.messagesDeleted(topic.ownerId, topic.id, left)
}

export async function editMessage(ownerId: string, payload: ClientPayload<'message.edit'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  await withTopicLock(topic.id, async () => {
    await admitReply(ownerId, null)
    const message = await requireShownMessage(topic.id, payload.messageId)
    if (message.role !== 'user') throw badRequest('Only your own messages can be edited')
    await leave(topic, message)
    const edited = await insertMessage({
      topicId: topic.id,
      role: 'user',
      content: payload.text,
      status: 'complete',
      clientMessageId: message.clientMessageId ?? undefined,
      parentId: message.parentId,
    })
    announce.messageCreated(ownerId, edited, (await versionsOf(topic.id, [edited])).get(edited.id))
    await answer(await touchTopic(topic), edited, payload.text)
  })
}

export async function regenerateMessage(ownerId: string, payload: ClientPayload<'message.regenerate'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  await withTopicLock(topic.id, async () => {
    await admitReply(ownerId, null)
    const message = await requireShownMessage(topic.id, payload.messageId)
    if (message.role !== 'assistant') throw badRequest('Only an assistant message can be regenerated')
    const earlier = (await recentMessages(topic.id, HISTORY_MESSAGES)).filter(m => m.position < message.position)
    const lastUser = earlier.filter(m => m.role === 'user').at(-1)
    const parent = message.parentId ? await findMessage(message.parentId) : undefined
    if (!lastUser || !parent) throw badRequest('There is no message left to answer')
    await leave(topic, message)
    await answer(await touchTopic(topic), parent, lastUser.content)
  })
}

export async function selectMessage(ownerId: string, payload: ClientPayload<'message.select'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  await withTopicLock(topic.id, async () => {
    const target = await requireMessage(topic.id, payload.messageId)
    if ((await streamingMessages(topic.id)).length) throw badRequest('A reply is still being written in this topic: stop it or wait for it to finish')
    await selectVersion(topic.id, target)
  })
  announce.topicHistory(ownerId, await resetHistory(topic, payload.messageId))
}
