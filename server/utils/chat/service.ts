// The chat operations behind the socket: every one checks the owner through the storage layer and
// announces its changes (events.ts) to all of the owner's sockets, on every instance. What is being
// written is read from the database (status 'streaming'), so it holds across instances.
import { parseSlashCommand } from '#shared/commands'
import { LIMITS, type ClientPayload, type Message, type Task } from '#shared/protocol'
import type { MessageRow, TopicRow } from '../../database/schema'
import { requireAgent } from '../agents/registry'
import type { AgentRuntime, Turn } from '../agents/types'
import { useConfig } from '../config'
import { AppError, badRequest } from '../errors'
import { announce } from '../events'
import { consume, rates } from '../limits'
import { toMessage, toTask } from '../storage/mappers'
import { countStreaming, deleteMessages, insertMessage, messagesFrom, pageMessages, recentMessages, requireMessage, streamingMessages } from '../storage/messages'
import { topicTasks } from '../storage/tasks'
import { countTopics, deleteTopic, findTopic, insertTopic, requireTopic, retitleTopic, updateTopic } from '../storage/topics'
import { abortTopicTasks } from '../tasks/queue'
import { commandAgent } from './commands'
import { catchUp } from './live'
import { withTopicLock } from './locks'
import { liveRun, runReply, stopReply } from './replies'
import { titleFrom } from './titles'

function historyOf(rows: MessageRow[]): Turn[] {
  return rows.filter(m => m.status !== 'failed' && m.status !== 'streaming' && m.content).map(m => ({ role: m.role, content: m.content }))
}

/** What an agent reads of a topic: its newest messages (the agent trims further, to its context). */
const HISTORY_MESSAGES = 200

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

/** Creates the assistant message and starts answering the last user message of the topic. */
async function answer(topic: TopicRow, userText: string) {
  const command = parseSlashCommand(userText)
  const topicAgent = requireAgent(topic.agentId)
  const agent: AgentRuntime = command ? commandAgent(command) : topicAgent
  const rows = await recentMessages(topic.id, HISTORY_MESSAGES)
  const history = historyOf(rows)
  const assistant = await insertMessage({ topicId: topic.id, role: 'assistant', content: '', status: 'streaming', agentId: topic.agentId })
  announce.messageCreated(topic.ownerId, assistant)
  const run = runReply(agent, topic, assistant, history)
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
async function admitReply(ownerId: string, topicId: string | null) {
  await consume(rates.sends, ownerId, 'You are sending messages too fast.')
  const streaming = await countStreaming(ownerId, topicId)
  const max = useConfig().REPLIES_PER_USER
  if (streaming.ofUser >= max) {
    throw new AppError('rate_limited', `${max} replies are being written for you right now: wait for one to finish or stop one.`)
  }
  if (streaming.inTopic) throw badRequest('A reply is still being written in this topic: stop it or wait for it to finish')
}

async function admitTopic(ownerId: string) {
  const max = useConfig().TOPICS_PER_USER
  if (await countTopics(ownerId) >= max) throw new AppError('rate_limited', `You have ${max} topics, the most allowed: delete some to start new ones.`)
}

async function touchTopic(topic: TopicRow, agentId?: string): Promise<TopicRow> {
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
  const user = await insertMessage({ topicId: topic.id, role: 'user', content: payload.text, status: 'complete', clientMessageId: payload.clientMessageId })
  announce.messageCreated(topic.ownerId, user)
  await answer(topic, payload.text)
}

/** A streaming message as it stands right now: its text so far and seq, wherever it is written. */
async function withLiveState(row: MessageRow): Promise<Message> {
  if (row.status !== 'streaming') return toMessage(row)
  const run = liveRun(row.id)
  const live = run ? { content: run.content, seq: run.seq } : await catchUp(row)
  return { ...toMessage(row), ...live }
}

/** A page of history is cut to this many bytes of message text (older messages wait for the next page). */
const PAGE_BYTES = 1024 * 1024

/** Keeps the newest messages of a page that fit in PAGE_BYTES (at least one). */
function fitPage(rows: MessageRow[]): MessageRow[] {
  let bytes = 0
  let start = rows.length
  while (start > 0) {
    bytes += Buffer.byteLength(rows[start - 1]!.content)
    if (bytes > PAGE_BYTES && start < rows.length) break
    start--
  }
  return rows.slice(start)
}

export async function openTopic(ownerId: string, payload: ClientPayload<'topic.open'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  const [page, taskRows] = await Promise.all([
    pageMessages(topic.id, payload.limit ?? LIMITS.historyPage, payload.before),
    payload.before ? Promise.resolve([]) : topicTasks(topic.id),
  ])
  const rows = fitPage(page.rows)
  // Read live state last, after every other await: deltas sent before this point have a seq at or below it.
  const messages = await Promise.all(rows.map(withLiveState))
  const tasks: Task[] = taskRows.map(toTask)
  return { topicId: topic.id, messages, tasks, hasMore: page.hasMore || rows.length < page.rows.length }
}

export async function changeTopic(ownerId: string, payload: ClientPayload<'topic.update'>) {
  if (payload.agentId) requireAgent(payload.agentId)
  const topic = await updateTopic(ownerId, payload.topicId, { title: payload.title, agentId: payload.agentId })
  announce.topicUpdated(topic)
}

/** Stops every reply of the topic still being written, on any instance, and waits for their ends. */
async function stopRepliesOf(topicId: string) {
  await Promise.all((await streamingMessages(topicId)).map(row => stopReply(row.id)))
}

export async function removeTopic(ownerId: string, payload: ClientPayload<'topic.delete'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  await withTopicLock(topic.id, async () => {
    await abortTopicTasks(topic.id)
    await stopRepliesOf(topic.id)
    await deleteTopic(ownerId, topic.id)
  })
  announce.topicDeleted(ownerId, topic.id)
}

export async function stopMessage(ownerId: string, payload: ClientPayload<'message.stop'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  const message = await requireMessage(topic.id, payload.messageId)
  if (message.role !== 'assistant' || message.status !== 'streaming') throw badRequest('That message is not being written, so it cannot be stopped')
  await stopReply(message.id)
}

/** Deletes `from` and every later message of the topic, stopping any that still streams. */
async function truncateFrom(topic: TopicRow, from: MessageRow) {
  await stopRepliesOf(topic.id)
  const doomed = await messagesFrom(topic.id, from.position, true)
  await deleteMessages(topic.id, doomed.map(m => m.id))
  announce.messagesDeleted(topic.ownerId, topic.id, doomed.map(m => m.id))
}

export async function regenerateMessage(ownerId: string, payload: ClientPayload<'message.regenerate'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  await withTopicLock(topic.id, async () => {
    await admitReply(ownerId, null)
    const message = await requireMessage(topic.id, payload.messageId)
    if (message.role !== 'assistant') throw badRequest('Only an assistant message can be regenerated')
    await truncateFrom(topic, message)
    const lastUser = (await recentMessages(topic.id, HISTORY_MESSAGES)).filter(m => m.role === 'user').at(-1)
    if (!lastUser) throw badRequest('There is no message left to answer')
    await answer(await touchTopic(topic), lastUser.content)
  })
}

export async function editMessage(ownerId: string, payload: ClientPayload<'message.edit'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  await withTopicLock(topic.id, async () => {
    await admitReply(ownerId, null)
    const message = await requireMessage(topic.id, payload.messageId)
    if (message.role !== 'user') throw badRequest('Only your own messages can be edited')
    await truncateFrom(topic, message)
    const replaced = await insertMessage({ topicId: topic.id, role: 'user', content: payload.text, status: 'complete', clientMessageId: message.clientMessageId ?? undefined })
    announce.messageCreated(ownerId, replaced)
    await answer(await touchTopic(topic), payload.text)
  })
}

export async function removeMessage(ownerId: string, payload: ClientPayload<'message.delete'>) {
  const topic = await requireTopic(ownerId, payload.topicId)
  await withTopicLock(topic.id, async () => {
    const message = await requireMessage(topic.id, payload.messageId)
    if (message.status === 'streaming') await stopReply(message.id)
    await deleteMessages(topic.id, [message.id])
    announce.messagesDeleted(ownerId, topic.id, [message.id])
  })
}
