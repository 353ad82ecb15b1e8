// Loads the topic of /t/<id> into the stores before anything renders, so that the layout's panels
// (tasks, the highlighted topic) and the page agree in SSR and hydration. Unknown or foreign: 404.
import type { Message, Task, Topic } from '#shared/protocol'

interface TopicPage {
  topic: Topic
  messages: Message[]
  tasks: Task[]
  hasMore: boolean
}

export default defineNuxtRouteMiddleware(async (to) => {
  const topics = useTopicsStore()
  const topicId = to.path.startsWith('/t/') && typeof to.params.id === 'string' ? to.params.id : null
  topics.currentId = topicId
  if (!topicId) return
  const messages = useMessagesStore()
  // A topic this tab already follows (or just created) is kept live by the socket.
  if (import.meta.client && messages.threads[topicId]?.loaded) return
  try {
    const page = await $fetch<TopicPage>(`/api/topics/${encodeURIComponent(topicId)}`, { headers: useRequestHeaders(['cookie']) })
    topics.upsert(page.topic)
    messages.setHistory(topicId, page.messages, page.hasMore)
    useTasksStore().setForTopic(topicId, page.tasks)
  }
  catch (error) {
    const statusCode = (error as { statusCode?: number }).statusCode ?? 500
    return abortNavigation(createError({ statusCode, statusMessage: statusCode === 404 ? 'Topic not found' : 'Could not load the topic', fatal: true }))
  }
})
