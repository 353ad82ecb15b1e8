// The socket's behaviour behind server/routes/ws.ts: authenticate the upgrade, greet with
// session.ready, validate every frame and route it to the chat and task services.
import { CLOSE, LIMITS, parseClientFrame, serverFrame, type ClientFrame } from '#shared/protocol'
import { listAgents } from './agents/registry'
import { followUser, unfollowUser } from './bus'
import { openTopic } from './chat/history'
import { changeTopic, removeMessage, removeTopic, restoreMessage, restoreTopic, sendMessage, stopMessage } from './chat/service'
import { editMessage, regenerateMessage, selectMessage } from './chat/versions'
import { useConfig } from './config'
import { addPeer, greet, removePeer, sendRawToPeer, sendToPeer, socketCount, type SocketPeer } from './connections'
import { AppError, socketCode, toAppError } from './errors'
import { readSession, type SessionInfo, type UpgradeRequest } from './identity'
import { isDraining } from './lifecycle'
import { isAllowedOrigin } from './origin'
import { whenReady } from './startup'
import { toTopic } from './storage/mappers'
import { listTopics } from './storage/topics'
import { touchUser, touchUsers } from './storage/users'
import { cancelTask, retryTask } from './tasks/queue'

/** The session of an upgrade request, or the Response that refuses it (403 foreign Origin, 401 no session). */
export async function authenticateUpgrade(request: UpgradeRequest): Promise<SessionInfo | Response> {
  if (isDraining()) return new Response('Shutting down: connect to another instance', { status: 503 })
  if (useConfig().APP_ROLE === 'worker') return new Response('This instance only runs background tasks', { status: 503 })
  if (!isAllowedOrigin(request.headers.get('origin'), request.headers)) return new Response('Forbidden origin', { status: 403 })
  try {
    // As every HTTP request does (middleware/session.ts): a socket that opened before the start-up's
    // recovery finished read replies still marked streaming that the recovery then failed, and no
    // frame ever told it (seen in the outage e2e test once PGlite's queries took turns).
    await whenReady()
    const session = await readSession(request)
    return session ?? new Response('No valid session', { status: 401 })
  }
  catch (error) {
    // Thrown here, the upgrade would end as an unhandled rejection and a hung-up socket.
    console.error('[ws] upgrade failed', error)
    return new Response('Server error', { status: 500 })
  }
}

export interface SocketState {
  peer: SocketPeer
  userId: string
  /** The frame bucket: WS_RATE_BURST frames at once, refilled at WS_RATE_PER_SECOND. */
  tokens: number
  refilledAt: number
}

/**
 * The per-socket frame limit, a token bucket in the socket's own state: a socket lives in one
 * process, so no store is needed, and it costs no allocation or promise per frame (the limits that
 * are shared, per user and per address, use rate-limiter-flexible: server/utils/limits.ts).
 */
function takeFrame(state: SocketState): boolean {
  const { WS_RATE_BURST, WS_RATE_PER_SECOND } = useConfig()
  const now = Date.now()
  state.tokens = Math.min(WS_RATE_BURST, state.tokens + ((now - state.refilledAt) / 1000) * WS_RATE_PER_SECOND)
  state.refilledAt = now
  if (state.tokens < 1) return false
  state.tokens -= 1
  return true
}

/** Registers the socket and greets it; null (and the socket closed) when it may not stay open. */
export async function openSocket(peer: SocketPeer, session: SessionInfo): Promise<SocketState | null> {
  const userId = session.user.id
  const max = useConfig().WS_MAX_SOCKETS_PER_USER
  if (socketCount(userId) >= max) {
    peer.close(CLOSE.tooManySockets, `Too many open connections (${max}): close other tabs`)
    return null
  }
  // Activity first: a cleanup sweep that has not deleted the guest yet now leaves it alone; one
  // that already did leaves nothing to open.
  if (!(await touchUser(userId))) {
    peer.close(CLOSE.policy, 'Session ended')
    return null
  }
  addPeer(userId, peer)
  try {
    // Subscribed to the user's events before their state is read: nothing falls in between.
    await followUser(userId)
    const topics = await listTopics(userId)
    greet(peer, serverFrame('session.ready', {
      user: { id: userId, name: session.user.name, guest: session.user.guest },
      agents: listAgents(),
      topics: topics.map(toTopic),
    }))
  }
  catch (error) {
    removePeer(userId, peer)
    if (!socketCount(userId)) unfollowUser(userId)
    throw error
  }
  return { peer, userId, tokens: useConfig().WS_RATE_BURST, refilledAt: Date.now() }
}

export async function closeSocket(state: SocketState) {
  removePeer(state.userId, state.peer)
  if (!socketCount(state.userId)) unfollowUser(state.userId)
  // The idle timeout counts from the moment the last socket closed.
  await touchUsers([state.userId]).catch(() => {})
}

const PONG = JSON.stringify(serverFrame('pong', {}))

async function dispatch(state: SocketState, frame: ClientFrame) {
  const { peer, userId } = state
  switch (frame.type) {
    case 'ping': return sendRawToPeer(peer, PONG)
    case 'topic.open': return sendToPeer(peer, serverFrame('topic.history', await openTopic(userId, frame.payload)))
    case 'message.send': return void (await sendMessage(userId, frame.payload))
    case 'topic.update': return changeTopic(userId, frame.payload)
    case 'topic.delete': return removeTopic(userId, frame.payload)
    case 'topic.restore': return restoreTopic(userId, frame.payload)
    case 'message.stop': return stopMessage(userId, frame.payload)
    case 'message.regenerate': return regenerateMessage(userId, frame.payload)
    case 'message.edit': return editMessage(userId, frame.payload)
    case 'message.select': return selectMessage(userId, frame.payload)
    case 'message.delete': return removeMessage(userId, frame.payload)
    case 'message.restore': return restoreMessage(userId, frame.payload)
    case 'task.cancel': return cancelTask(userId, frame.payload.taskId)
    case 'task.retry': return retryTask(userId, frame.payload.taskId)
  }
}

function sendError(peer: SocketPeer, error: AppError, requestId?: string) {
  sendToPeer(peer, serverFrame('error', { code: socketCode(error.code), message: error.message, ...(requestId ? { requestId } : {}) }))
}

export async function handleFrame(state: SocketState, raw: string) {
  // The transport refuses bigger frames before buffering them (server/plugins/03.websocket.ts);
  // this is the same rule for any transport that does not.
  if (Buffer.byteLength(raw) > LIMITS.frameBytes) {
    state.peer.close(CLOSE.tooLarge, 'Frame larger than 64 KiB')
    return
  }
  if (!takeFrame(state)) return sendError(state.peer, new AppError('rate_limited', 'Too many messages at once: slow down a little.'))
  const parsed = parseClientFrame(raw)
  if (!parsed.ok) return sendError(state.peer, new AppError(parsed.code, parsed.message), parsed.requestId)
  try {
    await dispatch(state, parsed.frame)
  }
  catch (error) {
    sendError(state.peer, toAppError(error), parsed.frame.id)
  }
}
