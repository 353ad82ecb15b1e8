// The socket's behaviour behind server/routes/ws.ts: authenticate the upgrade, greet with
// session.ready, validate every frame and route it to the chat and task services.
import { LIMITS, parseClientFrame, serverFrame, type ClientFrame } from '#shared/protocol'
import { listAgents } from './agents/registry'
import { openTopic, changeTopic, editMessage, regenerateMessage, removeMessage, removeTopic, sendMessage, stopMessage } from './chat/service'
import { addPeer, removePeer, sendToPeer, type SocketPeer } from './connections'
import { AppError, toAppError } from './errors'
import { readCookie, SESSION_COOKIE, sessionFromCookie, type SessionInfo } from './identity'
import { toTopic } from './storage/mappers'
import { listTopics } from './storage/topics'
import { touchUsers } from './storage/users'
import { cancelTask } from './tasks/queue'

export const CLOSE_TOO_LARGE = 1009

/** The Host the browser addressed, as a load balancer forwards it. */
function requestHost(headers: Headers): string | null {
  return headers.get('x-forwarded-host')?.split(',')[0]!.trim() || headers.get('host')
}

function hostOf(origin: string | null): string | null {
  try {
    return origin ? new URL(origin).host : null
  }
  catch {
    return null
  }
}

/** The session of an upgrade request, or the Response that refuses it (403 foreign Origin, 401 no session). */
export async function authenticateUpgrade(headers: Headers): Promise<SessionInfo | Response> {
  const originHost = hostOf(headers.get('origin'))
  if (!originHost || originHost !== requestHost(headers)) return new Response('Forbidden origin', { status: 403 })
  const session = await sessionFromCookie(readCookie(headers.get('cookie'), SESSION_COOKIE))
  return session ?? new Response('No valid session', { status: 401 })
}

export interface SocketState {
  peer: SocketPeer
  userId: string
  tokens: number
  refilledAt: number
}

const BUCKET = { capacity: 40, perSecond: 20 }

function takeToken(state: SocketState): boolean {
  const now = Date.now()
  state.tokens = Math.min(BUCKET.capacity, state.tokens + ((now - state.refilledAt) / 1000) * BUCKET.perSecond)
  state.refilledAt = now
  if (state.tokens < 1) return false
  state.tokens -= 1
  return true
}

export async function openSocket(peer: SocketPeer, session: SessionInfo): Promise<SocketState> {
  const state: SocketState = { peer, userId: session.user.id, tokens: BUCKET.capacity, refilledAt: Date.now() }
  const topics = await listTopics(session.user.id)
  sendToPeer(peer, serverFrame('session.ready', {
    user: { id: session.user.id, name: session.user.name, guest: session.user.guest },
    agents: listAgents(),
    topics: topics.map(toTopic),
  }))
  addPeer(session.user.id, peer)
  await touchUsers([session.user.id])
  return state
}

export async function closeSocket(state: SocketState) {
  removePeer(state.userId, state.peer)
  // The idle timeout counts from the moment the last socket closed.
  await touchUsers([state.userId]).catch(() => {})
}

async function dispatch(state: SocketState, frame: ClientFrame) {
  const { peer, userId } = state
  switch (frame.type) {
    case 'ping': return sendToPeer(peer, serverFrame('pong', {}))
    case 'topic.open': return sendToPeer(peer, serverFrame('topic.history', await openTopic(userId, frame.payload)))
    case 'message.send': return void (await sendMessage(userId, frame.payload))
    case 'topic.update': return changeTopic(userId, frame.payload)
    case 'topic.delete': return removeTopic(userId, frame.payload)
    case 'message.stop': return stopMessage(userId, frame.payload)
    case 'message.regenerate': return regenerateMessage(userId, frame.payload)
    case 'message.edit': return editMessage(userId, frame.payload)
    case 'message.delete': return removeMessage(userId, frame.payload)
    case 'task.cancel': return cancelTask(userId, frame.payload.taskId)
  }
}

function sendError(peer: SocketPeer, error: AppError, requestId?: string) {
  sendToPeer(peer, serverFrame('error', { code: error.code, message: error.message, ...(requestId ? { requestId } : {}) }))
}

export async function handleFrame(state: SocketState, raw: string) {
  if (Buffer.byteLength(raw) > LIMITS.frameBytes) {
    state.peer.close(CLOSE_TOO_LARGE, 'Frame larger than 64 KiB')
    return
  }
  if (!takeToken(state)) return sendError(state.peer, new AppError('rate_limited', 'Too many frames: slow down'))
  const parsed = parseClientFrame(raw)
  if (!parsed.ok) return sendError(state.peer, new AppError(parsed.code, parsed.message), parsed.requestId)
  try {
    await dispatch(state, parsed.frame)
  }
  catch (error) {
    sendError(state.peer, toAppError(error), parsed.frame.id)
  }
}
