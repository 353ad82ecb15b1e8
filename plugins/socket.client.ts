// Starts the app's one socket once hydration has finished, so that the server's HTML and the first
// client render agree (the connection status must not change while Vue hydrates); useChat() reaches
// it through $chatSocket.
import { createChatSocket } from '~/composables/useChatSocket'

export default defineNuxtPlugin(() => {
  const socket = createChatSocket()
  onNuxtReady(() => socket.start())
  return { provide: { chatSocket: socket } }
})
