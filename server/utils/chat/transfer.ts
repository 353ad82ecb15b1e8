// Export (JSON or Markdown, one topic or all) and import of topics in the TopicsExport format of
// shared/protocol.ts. An import respects the owner's topic limit, is stored all or nothing, and
// each topic it creates is announced to every socket of the owner.
import type { ExportedTopic, Topic, TopicsExport } from '#shared/protocol'
import type { TopicRow } from '../../database/schema'
import { DEFAULT_AGENT_ID, findAgent } from '../agents/registry'
import { useConfig } from '../config'
import { AppError } from '../errors'
import { announce } from '../events'
import { toTopic } from '../storage/mappers'
import { countTopics, requireTopic } from '../storage/topics'
import { exportedTopic, insertImported, ownTopics } from '../storage/transfer'

function header(): string {
  return `{"format":"agent-chat-topics","version":1,"exportedAt":${JSON.stringify(new Date().toISOString())},"topics":[`
}

/** The export of the owner's topics (all of them, or one), written topic by topic. */
export async function* exportTopics(ownerId: string, topicId?: string): AsyncGenerator<string> {
  const list = topicId ? [await requireTopic(ownerId, topicId)] : await ownTopics(ownerId)
  yield header()
  for (const [index, topic] of list.entries()) yield `${index ? ',' : ''}${JSON.stringify(await exportedTopic(topic))}`
  yield ']}'
}

function when(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`
}

export function topicMarkdown(topic: ExportedTopic): string {
  const lines = [`# ${topic.title}`, '', `> Agent \`${topic.agentId}\` · started ${when(topic.createdAt)} · exported ${when(new Date().toISOString())}`, '']
  for (const message of topic.messages) {
    const who = message.role === 'user' ? 'You' : `Assistant${message.agentId ? ` (${message.agentId})` : ''}`
    lines.push('---', '', `### ${who} · ${when(message.createdAt)}`, '', message.content || '*(empty)*', '')
    if (message.status === 'stopped') lines.push('*Stopped before the end.*', '')
    if (message.error) lines.push(`*Failed: ${message.error.message}*`, '')
  }
  return `${lines.join('\n').trimEnd()}\n`
}

export async function exportTopicMarkdown(ownerId: string, topicId: string): Promise<{ topic: TopicRow, markdown: string }> {
  const topic = await requireTopic(ownerId, topicId)
  return { topic, markdown: topicMarkdown(await exportedTopic(topic)) }
}

export async function importTopics(ownerId: string, file: TopicsExport): Promise<Topic[]> {
  const max = useConfig().TOPICS_PER_USER
  const have = await countTopics(ownerId)
  if (have + file.topics.length > max) {
    throw new AppError('rate_limited', `This file has ${file.topics.length} topics and you have ${have}: more than the ${max} allowed. Delete some first.`)
  }
  // A topic of an agent this server does not have goes to the default agent (its messages keep their names).
  const list = file.topics.map(topic => ({ ...topic, agentId: findAgent(topic.agentId) ? topic.agentId : DEFAULT_AGENT_ID }))
  const rows = await insertImported(ownerId, list)
  rows.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
  for (const row of rows) announce.topicCreated(row)
  return rows.map(toTopic)
}
