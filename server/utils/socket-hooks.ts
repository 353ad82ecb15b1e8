// The socket's crossws hooks: upgrade (authenticate), open (register and greet), message (frames of
// one socket handled in order), close. server/routes/ws.ts declares them as the /ws route, and
// server/plugins/03.websocket.ts installs them as the adapter's own hooks, so that a frame does not
// pay for a route lookup and two promises before it reaches them.
import type { Writable } from 'node:stream'
import type { Hooks, Peer } from 'crossws'
import { authenticateUpgrade, closeSocket, handleFrame, openSocket, type SocketState } from './socket'
import type { SessionInfo } from './identity'
import type { SocketPeer } from './connections'

/** The TCP socket under a peer's WebSocket (ws keeps it as `_socket`), when there is one. */
function tcpSocket(peer: Peer): Writable | undefined {
  return (peer.websocket as { _socket?: Writable })._socket
}

/** The app's view of a crossws peer: methods on a prototype, nothing allocated per frame. */
class CrosswsPeer implements SocketPeer {
  private corked = false

  constructor(private readonly peer: Peer, readonly sessionId: string) {}

  get id() {
    return this.peer.id
  }

  /**
   * Frames sent to one socket in one turn of the event loop leave in one write: the socket is corked
   * at the first and uncorked once the turn's work is done (a reply's delta and its end, or the
   * deltas of several replies of one user, cost one system call instead of one each).
   */
  send(data: string) {
    if (!this.corked) {
      const socket = tcpSocket(this.peer)
      if (socket) {
        this.corked = true
        socket.cork()
        process.nextTick(() => {
          this.corked = false
          socket.uncork()
        })
      }
    }
    return this.peer.send(data)
  }

  close(code?: number, reason?: string) {
    this.peer.close(code, reason)
  }

  bufferedAmount(): number {
    return this.peer.websocket.bufferedAmount ?? 0
  }
}

/**
 * A socket's place: its state once opened, and the frames that arrived before it or while one was
 * being handled (handled in order, one at a time; an idle socket handles a frame at once).
 */
interface Slot {
  state: SocketState | null
  opening: Promise<SocketState | null>
  pending: string[]
  busy: boolean
}

const slots = new WeakMap<Peer, Slot>()

async function drain(slot: Slot) {
  slot.busy = true
  try {
    slot.state ??= await slot.opening
    while (slot.pending.length) {
      const text = slot.pending.shift()!
      if (slot.state) await handleFrame(slot.state, text).catch(() => {})
    }
  }
  finally {
    slot.busy = false
  }
}

export const socketHooks: Partial<Hooks> = {
  async upgrade(request) {
    const session = await authenticateUpgrade(request)
    if (session instanceof Response) return session
    request.context.session = session
  },
  open(peer) {
    const session = peer.context.session as SessionInfo
    // The session's user row is needed to open, not for the life of the socket.
    delete peer.context.session
    const opening = openSocket(new CrosswsPeer(peer, session.sessionId), session).catch((error) => {
      console.error('[ws] could not open the session', error)
      peer.close(1011, 'Server error')
      return null
    })
    const slot: Slot = { state: null, opening, pending: [], busy: false }
    slots.set(peer, slot)
    void opening.then(state => (slot.state = state))
  },
  message(peer, message) {
    const slot = slots.get(peer)
    if (!slot) return
    slot.pending.push(message.text())
    if (!slot.busy) void drain(slot)
  },
  async close(peer) {
    const slot = slots.get(peer)
    slots.delete(peer)
    const state = slot && (slot.state ?? await slot.opening)
    if (state) await closeSocket(state).catch(() => {})
  },
}
