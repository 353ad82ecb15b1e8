// The open sockets of this process, by user. Frames for a user reach every one of their sockets here;
// the bus carries them to the other instances.
import type { ServerFrame } from '#shared/protocol'

export interface SocketPeer {
  id: string
  send: (data: string) => unknown
  close: (code?: number, reason?: string) => void
}

const peersByUser = new Map<string, Set<SocketPeer>>()

export function addPeer(userId: string, peer: SocketPeer) {
  let set = peersByUser.get(userId)
  if (!set) peersByUser.set(userId, (set = new Set()))
  set.add(peer)
}

export function removePeer(userId: string, peer: SocketPeer) {
  const set = peersByUser.get(userId)
  if (!set) return
  set.delete(peer)
  if (!set.size) peersByUser.delete(userId)
}

export function connectedUserIds(): string[] {
  return [...peersByUser.keys()]
}

export function sendToPeer(peer: SocketPeer, frame: ServerFrame) {
  peer.send(JSON.stringify(frame))
}

/** Delivers an already serialised frame to this process's sockets of the user. */
export function deliverLocal(userId: string, data: string) {
  for (const peer of peersByUser.get(userId) ?? []) {
    try {
      peer.send(data)
    }
    catch (error) {
      console.warn('[ws] send failed', peer.id, error)
    }
  }
}

export function closeLocalSockets(userId: string, code: number, reason: string) {
  for (const peer of [...(peersByUser.get(userId) ?? [])]) peer.close(code, reason)
}
