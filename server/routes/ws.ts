// The socket at /ws. Thin: authentication and routing live in server/utils/socket.ts.
import { authenticateUpgrade, closeSocket, handleFrame, openSocket, type SocketState } from '../utils/socket'
import type { SessionInfo } from '../utils/identity'

interface PeerSlot {
  state: Promise<SocketState | null>
  // Frames of one socket are handled in the order they arrived.
  queue: Promise<void>
}

const slots = new WeakMap<object, PeerSlot>()

export default defineWebSocketHandler({
  async upgrade(request) {
    const session = await authenticateUpgrade(request)
    if (session instanceof Response) return session
    request.context.session = session
  },
  open(peer) {
    const session = peer.context.session as SessionInfo
    const state = openSocket({
      id: peer.id,
      sessionId: session.sessionId,
      send: data => peer.send(data),
      close: (code, reason) => peer.close(code, reason),
      bufferedAmount: () => peer.websocket.bufferedAmount ?? 0,
    }, session).catch((error) => {
      console.error('[ws] could not open the session', error)
      peer.close(1011, 'Server error')
      return null
    })
    slots.set(peer, { state, queue: Promise.resolve() })
  },
  message(peer, message) {
    const slot = slots.get(peer)
    if (!slot) return
    const text = message.text()
    slot.queue = slot.queue.then(async () => {
      const state = await slot.state
      if (state) await handleFrame(state, text)
    }).catch(() => {})
  },
  async close(peer) {
    const slot = slots.get(peer)
    slots.delete(peer)
    const state = await slot?.state
    if (state) await closeSocket(state).catch(() => {})
  },
})
