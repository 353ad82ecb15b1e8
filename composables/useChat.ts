// The chat actions components call. They go out over the app's one socket (plugins/socket.client.ts);
// components never touch the socket itself.
import type { ChatSocket } from '~/plugins/socket.client'
import { randomId } from '~/utils/backoff'

/** Messages per page when paging a long topic (the server's default is smaller). */
export const PAGE_SIZE = 100

export function useChat() {
  const nuxtApp = useNuxtApp()
  const socket = () => nuxtApp.$chatSocket as ChatSocket | undefined
  const ui = useUiStore()
  const messages = useMessagesStore()
  const topics = useTopicsStore()
  const newChat = useNewChat()
  /** A message to show once its topic is open (a search result): ChatView scrolls to it. */
  const focus = useState<{ topicId: string, messageId: string } | null>('chat-focus', () => null)
  const onError = (message: string) => ui.toast(message)

  function send(topicId: string | null, agentId: string, text: string) {
    if (!topicId) return void newChat.start(agentId, text)
    // Reading older messages of a long topic: the newest ones are not held, so come back to them first.
    if (messages.threads[topicId]?.hasNewer) socket()?.openTopic(topicId)
    const clientMessageId = randomId()
    messages.addPending(topicId, text, clientMessageId)
    socket()?.request('message.send', { topicId, agentId, text, clientMessageId }, (message) => {
      messages.failPending(clientMessageId, { code: 'send_failed', message })
      ui.toast(message)
    })
  }

  /** The topic's latest page (or the one around the message to focus, if any). */
  function openTopic(topicId: string) {
    if (focus.value?.topicId === topicId) socket()?.openTopic(topicId, { around: focus.value.messageId })
    else socket()?.openTopic(topicId)
  }

  /** Opens a topic at one of its messages (a search result): the page around it, scrolled to it. */
  async function openTopicAround(topicId: string, messageId: string) {
    focus.value = { topicId, messageId }
    if (topics.currentId === topicId) socket()?.openTopic(topicId, { around: messageId })
    else await navigateTo(`/t/${topicId}`)
  }

  const request: ChatSocket['request'] = (type, payload, handler = onError) => socket()?.request(type, payload, handler) ?? ''

  return {
    send,
    openTopic,
    openTopicAround,
    focus,
    loadOlder: (topicId: string, before: string) => socket()?.openTopic(topicId, { before }, PAGE_SIZE),
    loadNewer: (topicId: string, after: string) => socket()?.openTopic(topicId, { after }, PAGE_SIZE),
    renameTopic: (topicId: string, title: string) => request('topic.update', { topicId, title }),
    setTopicAgent: (topicId: string, agentId: string) => request('topic.update', { topicId, agentId }),
    deleteTopic: (topicId: string) => request('topic.delete', { topicId }),
    restoreTopic: (topicId: string) => request('topic.restore', { topicId }),
    stop: (topicId: string, messageId: string) => request('message.stop', { topicId, messageId }),
    regenerate: (topicId: string, messageId: string) => request('message.regenerate', { topicId, messageId }),
    edit: (topicId: string, messageId: string, text: string) => request('message.edit', { topicId, messageId, text }),
    selectVersion: (topicId: string, messageId: string) => request('message.select', { topicId, messageId }),
    deleteMessage: (topicId: string, messageId: string) => request('message.delete', { topicId, messageId }),
    restoreMessage: (topicId: string, messageId: string) => request('message.restore', { topicId, messageId }),
    cancelTask: (taskId: string) => request('task.cancel', { taskId }),
    retryTask: (taskId: string) => request('task.retry', { taskId }),
    reconnectNow: () => socket()?.reconnectNow(),
  }
}
