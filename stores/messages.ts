// Messages per topic, mirroring the server. The threads are immutable data (utils/chat-thread.ts):
// the socket's reducer replaces them, so the state is a shallow ref and a message object changes
// identity exactly when it changes (a row re-renders only then).
import { defineStore } from 'pinia'
import type { Message, MessageError } from '#shared/protocol'
import { DRAFT_TOPIC, emptyThread, pendingMessage, withHistory, withSendError, withoutKey, type LocalMessage, type PageKind, type TopicThread } from '~/utils/chat-thread'

export const useMessagesStore = defineStore('messages', () => {
  const threads = shallowRef<Record<string, TopicThread>>({})

  function messagesOf(topicId: string | null): LocalMessage[] {
    return threads.value[topicId ?? DRAFT_TOPIC]?.messages ?? []
  }

  function streamingIn(topicId: string | null): LocalMessage | undefined {
    const list = messagesOf(topicId)
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.status === 'streaming') return list[i]
    return undefined
  }

  function setThread(topicId: string, thread: TopicThread) {
    threads.value = { ...threads.value, [topicId]: thread }
  }

  /** A page of history loaded over HTTP (the topic middleware) or by a test. */
  function setHistory(topicId: string, messages: Message[], hasMore: boolean, kind: PageKind = 'replace', hasNewer?: boolean) {
    setThread(topicId, withHistory(threads.value[topicId] ?? emptyThread(), { messages, hasMore, hasNewer }, kind))
  }

  function addPending(topicId: string | null, text: string, clientMessageId: string) {
    const key = topicId ?? DRAFT_TOPIC
    const thread = threads.value[key] ?? emptyThread()
    setThread(key, { ...thread, messages: [...thread.messages, pendingMessage(key, text, clientMessageId)] })
  }

  function failPending(clientMessageId: string, error: MessageError) {
    for (const [topicId, thread] of Object.entries(threads.value)) {
      const next = withSendError(thread, clientMessageId, error)
      if (next !== thread) setThread(topicId, next)
    }
  }

  /** Forgets everything (another identity took over this tab). */
  function reset() {
    threads.value = {}
  }

  function dropTopic(topicId: string) {
    threads.value = withoutKey(threads.value, topicId)
  }

  return { threads, messagesOf, streamingIn, setHistory, addPending, failPending, dropTopic, reset }
})
