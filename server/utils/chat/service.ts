// The chat operations behind the socket: every one checks the owner through the storage layer and
// announces its changes (events.ts) to all of the owner's sockets, on every instance. What is being
// written is read from the database (status 'streaming'), so it holds across instances.
import { parseSlashCommand } from '#shared/commands'
import { LIMITS, type ClientPayload } from '#shared/protocol'
import type { MessageRow, TopicRow } from '../../database/schema'
import { requireAgent } from '../agents/registry'
import type { AgentRuntime, Turn } from '../agents/types'
import { useConfig } from '../config'
import { AppError, badRequest, notFound } from '../errors'
import { announce } from '../events'
import { consume, rates } from '../limits'
import { versionsOf } from '../storage/branches'
import { branchLeaf, countStreaming, insertMessage, recentMessages, requireMessage, undeleteMessage, softDeleteMessage, streamingMessages } from '../storage/messages'
import { countTopics, findTopic, insertTopic, requireTopic, undeleteTopic, retitleTopic, softDeleteTopic, updateTopic } from '../storage/topics'
import { abortTopicTasks } from '../tasks/queue'
import { commandAgent } from './commands'
import { resetHistory } from './history'
import { withTopicLock } from './locks'
import { runReply, stopReply } from './replies'
import { titleFrom } from './titles'

function historyOf(rows: MessageRow[]): Turn[] {
  return rows.filter(m => m.status !== 'failed' && m.status !== 'streaming' && m.content).map(m => ({ role: m.role, content: m.content }))
}

/** What an agent reads of a topic: its newest messages (the agent trims further, to its context). */
export const HISTORY_MESSAGES = 200

/** After the first exchange of a topic, its agent may give it a better title than the first words. */
async function retitle(topic: TopicRow, agent: AgentRuntime) {
  const rows = await recentMessages(topic.id, 3)
  if (rows.length !== 2 || !agent.title) return
  const current = await findTopic(topic.ownerId, topic.id)
  if (!current || current.title !== titleFrom(rows[0]!.content)) return
  const title = await agent.title(historyOf(rows), AbortSignal.timeout(20_000)).catch(() => null)
  if (!title || title === current.title) return
  const updated = await retitleTopic(topic.ownerId, topic.id, current.title, title.slice(0, LIMITS.titleChars))
  if (updated) announce.topicUpdated(updated)
}

/**
 * Creates the assistant message under `parent` (the user message it answers) and starts answering
 * `userText`; the agent reads the active branch, which ends at `parent`. A `freshParent` (stored
 * just now, in the same topic lock) has no other replies, so the reply has no versions to look up.
 */
export async function answer(topic: TopicRow, parent: MessageRow, userText: string, freshParent = false) {
  const command = parseSlashCommand(userText)
  const topicAgent = requireAgent(topic.agentId)
  const agent: AgentRuntime = command ? commandAgent(command) : topicAgent
  const rows = await recentMessages(topic.id, HISTORY_MESSAGES)
  const history = historyOf(rows)
  const assistant = await insertMessage({ topicId: topic.id, role: 'assistant', content: '', status: 'streaming', agentId: topic.agentId, parentId: parent.id })
  const versions = freshParent ? undefined : (await versionsOf(topic.id, [assistant])).get(assistant.id)
  announce.messageCreated(topic.ownerId, assistant, versions)
  const run = runReply(agent, topic, assistant, history, versions)
  // Titles are generated after the first exchange's reply, never in front of it.
  if (rows.length !== 1) return
  void run.finished
    .then(() => (run.status === 'complete' ? retitle(topic, topicAgent) : undefined))
    .catch(error => console.warn('[title] could not retitle', error))
}

/**
 * Every send, edit and regenerate starts a reply: limited per minute, in number at once for the
 * user, and to one at a time in a topic (`topicId`, checked inside the topic's lock).
 */
export async function admitReply(ownerId: string, topicId: string | null) {
  await consume(rates.sends, ownerId, 'You are sending messages too fast.')
  const streaming = await countStreaming(ownerId, topicId)
  const max = useConfig().REPLIES_PER_USER
  if (streaming.ofUser >= max) {
    throw new AppError('rate_limited', `${max} replies are being written for you right now: wait for one to finish or stop one.`)
  }
  if (streaming.inTopic) throw badRequest('A reply is still being written in this topic: stop it or wait for it to finish')
}

export async function admitTopic(ownerId: string) {
  const max = useConfig().TOPICS_PER_USER
  if (await countTopics(ownerId) >= max) throw new AppError('rate_limited', `You have ${max} topics, the most allowed: delete some to start new ones.`)
}

export async function touchTopic(topic: TopicRow, agentId?: string): Promise<TopicRow> {
  const updated = await updateTopic(topic.ownerId, topic.id, agentId ? { agentId } : {})
  announce.topicUpdated(updated)
  return updated
}

export async function sendMessage(ownerId: string, payload: ClientPayload<'message.send'>) {
  requireAgent(payload.agentId)
  if (payload.topicId === null) {
    await admitReply(ownerId, null)
    await admitTopic(ownerId)
    const topic = await insertTopic(ownerId, { title: titleFrom(payload.text), agentId: payload.agentId })
    announce.topicCreated(topic)
    await withTopicLock(topic.id, () => postAndAnswer(topic, payload))
    return topic
  }
  const topicId = payload.topicId
  return withTopicLock(topicId, async () => {
    await admitReply(ownerId, topicId)
    // The owner-guarded update is the ownership check too: a foreign or unknown topic is not found.
    const topic = await updateTopic(ownerId, topicId, { agentId: payload.agentId })
    announce.topicUpdated(topic)
    await postAndAnswer(topic, payload)
    return topic
  })
}

/** Stores the person's message and starts the reply to it (inside the topic's lock). */
async function postAndAnswer(topic: TopicRow, payload: ClientPayload<'message.send'>) {
  const leaf = await branchLeaf(topic.id)
  const user = await insertMessage({ topicId: topic.id, role: 'user', content: payload.text, status: 'complete', clientMessageId: payload.clientMessageId, parentId: leaf?.id })
  announce.messageCreated(topic.ownerId, user, (await versionsOf(topic.id, [user])).get(user.id))
  await answer(topic, user, payload.text, true)
}

export async function changeTopic(ownerId: string, payload: ClientPayload<'topic.update'>) {
  if (payload.agentId) requireAgent(payload.agentId)
  const topic = await updateTopic(ownerId, payload.topicId, { title: payload.title, agentId: payload.agentId })
  announce.topicUpdated(topic)
}

/** Stops every reply of the topic still being written, on any instance, and waits for their ends. */
export async function stopRepliesOf(topicId: string) {
  await Promise.all((await streamingMessages(topicId)).map(row => stopReply(row.id)))
}

export async function removeTopic(ownerId: string, payload: ClientPayload<'topic.delete'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  await withTopicLock(topic.id, async () => {
    await abortTopicTasks(topic.id)
    await stopRepliesOf(topic.id)
    await softDeleteTopic(ownerId, topic.id)
  })
  announce.topicDeleted(ownerId, topic.id)
}

export async function stopMessage(ownerId: string, payload: ClientPayload<'message.stop'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  const message = await requireMessage(topic.id, payload.messageId)
  if (message.role !== 'assistant' || message.status !== 'streaming') throw badRequest('That message is not being written, so it cannot be stopped')
  await stopReply(message.id)
}

export async function removeMessage(ownerId: string, payload: ClientPayload<'message.delete'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  await withTopicLock(topic.id, async () => {
    const message = await requireMessage(topic.id, payload.messageId)
    if (message.status === 'streaming') await stopReply(message.id)
    await softDeleteMessage(topic.id, message.id)
    announce.messagesDeleted(ownerId, topic.id, [message.id])
  })
}

/** The moment before which a soft delete can no longer be undone. */
function undoCutoff(): Date {
  return new Date(Date.now() - useConfig().UNDO_SECONDS * 1000)
}

export async function restoreTopic(ownerId: string, payload: ClientPayload<'topic.restore'>) {
  await admitTopic(ownerId)
  const topic = await undeleteTopic(ownerId, payload.topicId, undoCutoff())
  if (!topic) throw notFound('Deleted topic')
  announce.topicCreated(topic)
}

export async function restoreMessage(ownerId: string, payload: ClientPayload<'message.restore'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  const restored = await withTopicLock(topic.id, () => undeleteMessage(topic.id, payload.messageId, undoCutoff()))
  if (!restored) throw notFound('Deleted message')
  announce.topicHistory(ownerId, await resetHistory(topic, payload.messageId))
}
