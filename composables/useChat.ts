// The chat actions components call. They go out over the app's one socket (plugins/socket.client.ts).
import type { ChatSocket } from './useChatSocket'

export function useChat() {
  const nuxtApp = useNuxtApp()
  const socket = () => nuxtApp.$chatSocket as ChatSocket | undefined
  const ui = useUiStore()
  const onError = (message: string) => ui.toast(message)

  return {
    send: (topicId: string | null, agentId: string, text: string) => socket()?.sendMessage(topicId, agentId, text),
    openTopic: (topicId: string) => socket()?.openTopic(topicId),
    loadOlder: (topicId: string, before: string) => socket()?.request('topic.open', { topicId, before }, onError),
    renameTopic: (topicId: string, title: string) => socket()?.request('topic.update', { topicId, title }, onError),
    setTopicAgent: (topicId: string, agentId: string) => socket()?.request('topic.update', { topicId, agentId }, onError),
    deleteTopic: (topicId: string) => socket()?.request('topic.delete', { topicId }, onError),
    restoreTopic: (topicId: string) => socket()?.request('topic.restore', { topicId }, onError),
    openTopicAround: (topicId: string, messageId: string) => socket()?.request('topic.open', { topicId, around: messageId }, onError),
    stop: (topicId: string, messageId: string) => socket()?.request('message.stop', { topicId, messageId }, onError),
    regenerate: (topicId: string, messageId: string) => socket()?.request('message.regenerate', { topicId, messageId }, onError),
    edit: (topicId: string, messageId: string, text: string) => socket()?.request('message.edit', { topicId, messageId, text }, onError),
    deleteMessage: (topicId: string, messageId: string) => socket()?.request('message.delete', { topicId, messageId }, onError),
    cancelTask: (taskId: string) => socket()?.request('task.cancel', { taskId }, onError),
    retryTask: (taskId: string) => socket()?.request('task.retry', { taskId }, onError),
    reconnectNow: () => socket()?.reconnectNow(),
  }
}
