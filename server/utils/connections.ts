// The open sockets of this process, by user. Frames for a user reach every one of their sockets here;
// the bus carries them to the other instances. A socket that does not read (its send buffer past
// WS_SEND_BUFFER_BYTES) is closed rather than buffered for without end.
import { CLOSE, type ServerFrame } from '#shared/protocol'
import { useConfig } from './config'

export interface SocketPeer {
  id: string
  sessionId: string
  send: (data: string) => unknown
  close: (code?: number, reason?: string) => void
  /** Bytes queued for sending and not yet written to the network. */
  bufferedAmount: () => number
}

const peersByUser = new Map<string, Set<SocketPeer>>()
/** Events for sockets that are registered but not greeted yet: they follow session.ready. */
const backlogs = new WeakMap<SocketPeer, string[]>()

/** Registers a socket before its state is read, so that no event falls between the two. */
export function addPeer(userId: string, peer: SocketPeer) {
  let set = peersByUser.get(userId)
  if (!set) peersByUser.set(userId, (set = new Set()))
  set.add(peer)
  backlogs.set(peer, [])
}

/** Sends the greeting, then whatever happened while it was being prepared (applying twice is harmless). */
export function greet(peer: SocketPeer, greeting: ServerFrame) {
  const backlog = backlogs.get(peer) ?? []
  backlogs.delete(peer)
  write(peer, JSON.stringify(greeting))
  for (const data of backlog) write(peer, data)
}

export function removePeer(userId: string, peer: SocketPeer) {
  backlogs.delete(peer)
  const set = peersByUser.get(userId)
  if (!set) return
  set.delete(peer)
  if (!set.size) peersByUser.delete(userId)
}

export function connectedUserIds(): string[] {
  return [...peersByUser.keys()]
}

export function socketCount(userId: string): number {
  return peersByUser.get(userId)?.size ?? 0
}

/** Sends, unless the peer has stopped reading: then it is closed and told to come back later. */
function write(peer: SocketPeer, data: string) {
  if (peer.bufferedAmount() > useConfig().WS_SEND_BUFFER_BYTES) {
    console.warn(`[ws] closing socket ${peer.id}: ${peer.bufferedAmount()} bytes unread`)
    peer.close(CLOSE.tryAgainLater, 'Too much unread data: reconnect')
    return
  }
  try {
    peer.send(data)
  }
  catch (error) {
    console.warn('[ws] send failed', peer.id, error)
  }
}

export function sendToPeer(peer: SocketPeer, frame: ServerFrame) {
  write(peer, JSON.stringify(frame))
}

/** Sends a frame serialised once for all (a constant such as pong). */
export function sendRawToPeer(peer: SocketPeer, data: string) {
  write(peer, data)
}

/** Delivers an already serialised frame to this process's sockets of the user. */
export function deliverLocal(userId: string, data: string) {
  for (const peer of peersByUser.get(userId) ?? []) {
    const backlog = backlogs.get(peer)
    if (backlog) backlog.push(data)
    else write(peer, data)
  }
}

/** Closes the user's sockets of the given sessions (or all of them) in this process. */
export function closeSockets(userId: string, sessionIds: string[] | 'all', code: number, reason: string) {
  for (const peer of [...(peersByUser.get(userId) ?? [])]) {
    if (sessionIds === 'all' || sessionIds.includes(peer.sessionId)) peer.close(code, reason)
  }
}

/** Every socket of this process (shutdown): clients reconnect, to another instance if there is one. */
export function closeAllSockets(code: number, reason: string) {
  for (const peers of peersByUser.values()) {
    for (const peer of [...peers]) peer.close(code, reason)
  }
}
