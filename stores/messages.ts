// Messages per topic, mirroring the server; deltas are applied by the seq rule (shared/stream.ts).
import { defineStore } from 'pinia'
import type { Message, MessageError, ServerPayload } from '#shared/protocol'
import { applyDelta, newerMessage, type DeltaOutcome } from '#shared/stream'

export interface LocalMessage extends Message {
  /** Sent by this tab, not yet echoed by the server. */
  pending?: boolean
  sendError?: MessageError
  stopped?: boolean
}

export interface TopicThread {
  messages: LocalMessage[]
  hasMore: boolean
  loaded: boolean
}

export const DRAFT_TOPIC = '__draft__'

export const useMessagesStore = defineStore('messages', () => {
  const threads = ref<Record<string, TopicThread>>({})

  function thread(topicId: string): TopicThread {
    threads.value[topicId] ??= { messages: [], hasMore: false, loaded: false }
    return threads.value[topicId]
  }

  function messagesOf(topicId: string | null): LocalMessage[] {
    return threads.value[topicId ?? DRAFT_TOPIC]?.messages ?? []
  }

  function streamingIn(topicId: string | null): LocalMessage | undefined {
    return messagesOf(topicId).find(m => m.status === 'streaming')
  }

  /** A page of history: the first page replaces what is known (keeping the further-along copy), older pages go in front. */
  function setHistory(topicId: string, messages: Message[], hasMore: boolean, older = false) {
    const current = thread(topicId)
    if (older) {
      const known = new Set(current.messages.map(m => m.id))
      current.messages = [...messages.filter(m => !known.has(m.id)), ...current.messages]
    }
    else {
      const local = new Map(current.messages.map(m => [m.id, m]))
      const pending = current.messages.filter(m => m.pending && !messages.some(x => x.clientMessageId === m.clientMessageId))
      current.messages = [...messages.map(m => (local.has(m.id) ? newerMessage(local.get(m.id)!, m) : m)), ...pending]
    }
    current.hasMore = hasMore
    current.loaded = true
  }

  function upsert(message: Message & { stopped?: boolean }) {
    const current = thread(message.topicId)
    const index = current.messages.findIndex(m => m.id === message.id
      || (m.pending && !!message.clientMessageId && m.clientMessageId === message.clientMessageId))
    if (index >= 0) current.messages[index] = newerMessage(current.messages[index]!, message)
    else current.messages.push(message)
  }

  /** Moves the optimistic messages of a new chat into the topic the server created for them. */
  function adoptDraft(clientMessageId: string, topicId: string) {
    const draft = threads.value[DRAFT_TOPIC]
    if (!draft) return
    const moved = draft.messages.filter(m => m.clientMessageId === clientMessageId)
    draft.messages = draft.messages.filter(m => m.clientMessageId !== clientMessageId)
    const adopted = thread(topicId)
    for (const message of moved) adopted.messages.push({ ...message, topicId })
    // The topic was just created by this tab: the socket delivers all of it, so its page must not
    // wait for an HTTP fetch (meanwhile the welcome screen came back and the reply streamed unseen).
    adopted.loaded = true
  }

  function addPending(topicId: string | null, text: string, clientMessageId: string) {
    thread(topicId ?? DRAFT_TOPIC).messages.push({
      id: `local:${clientMessageId}`,
      topicId: topicId ?? DRAFT_TOPIC,
      role: 'user',
      content: text,
      status: 'complete',
      seq: 0,
      clientMessageId,
      createdAt: new Date().toISOString(),
      pending: true,
    })
  }

  function failPending(clientMessageId: string, error: MessageError) {
    for (const current of Object.values(threads.value)) {
      const message = current.messages.find(m => m.pending && m.clientMessageId === clientMessageId)
      if (message) message.sendError = error
    }
  }

  function applyDeltaFrame(delta: ServerPayload<'message.delta'>): DeltaOutcome | 'unknown' {
    const message = threads.value[delta.topicId]?.messages.find(m => m.id === delta.messageId)
    return message ? applyDelta(message, delta) : 'unknown'
  }

  function remove(topicId: string, messageIds: string[]) {
    const current = threads.value[topicId]
    if (current) current.messages = current.messages.filter(m => !messageIds.includes(m.id))
  }

  /** Forgets everything (another identity took over this tab). */
  function reset() {
    threads.value = {}
  }

  function dropTopic(topicId: string) {
    threads.value = Object.fromEntries(Object.entries(threads.value).filter(([id]) => id !== topicId))
  }

  return { threads, messagesOf, streamingIn, setHistory, upsert, adoptDraft, addPending, failPending, applyDeltaFrame, remove, dropTopic, reset }
})
