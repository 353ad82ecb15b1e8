// Starts the app's one socket once the app is mounted; useChat() reaches it through $chatSocket.
import { createChatSocket } from '~/composables/useChatSocket'

export default defineNuxtPlugin((nuxtApp) => {
  const socket = createChatSocket()
  nuxtApp.hook('app:mounted', () => socket.start())
  return { provide: { chatSocket: socket } }
})
