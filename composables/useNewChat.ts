// The new-chat flow in one place: the first message is shown at once in the draft thread, the
// server creates the topic when it receives it and echoes the clientMessageId, the draft moves into
// that topic (the reducer's adoptDraft) and the page follows to /t/<id> without a reload.
import type { ChatSocket } from '~/plugins/socket.client'
import { randomId } from '~/utils/backoff'

export function useNewChat() {
  const nuxtApp = useNuxtApp()
  const messages = useMessagesStore()
  const topics = useTopicsStore()
  const ui = useUiStore()
  /** True from the first send until the page has moved to the new topic (the welcome screen stays away). */
  const leaving = useState('new-chat-leaving', () => false)

  async function start(agentId: string, text: string): Promise<string | null> {
    const socket = nuxtApp.$chatSocket as ChatSocket | undefined
    if (!socket) return null
    const clientMessageId = randomId()
    messages.addPending(null, text, clientMessageId)
    leaving.value = true
    const topicId = await socket.sendNewChat(agentId, text, clientMessageId, (message) => {
      leaving.value = false
      messages.failPending(clientMessageId, { code: 'send_failed', message })
      ui.toast(message)
    })
    // Still on the new-chat page: follow the message to its topic (elsewhere, the person moved on).
    if (topics.currentId === null) await navigateTo(`/t/${topicId}`)
    leaving.value = false
    return topicId
  }

  return { start, leaving }
}
