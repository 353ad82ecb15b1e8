// The one owner of the browser's socket: connects, reconnects with backoff and jitter, keeps a
// heartbeat, and feeds the Pinia stores from server frames. Components use useChat(), never this.
import { CLOSE, parseServerFrame, type ClientPayload, type ClientType, type ServerFrame } from '#shared/protocol'
import { DRAFT_TOPIC } from '~/stores/messages'

const HEARTBEAT_MS = 25_000
const PONG_TIMEOUT_MS = 10_000

export function backoffDelay(attempt: number, random = Math.random()): number {
  const ceiling = Math.min(15_000, 500 * 2 ** attempt)
  return Math.round(ceiling / 2 + (ceiling / 2) * random)
}

/** A random id; crypto.randomUUID exists only in secure contexts (https, localhost), not on a LAN over http. */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), byte => byte.toString(16).padStart(2, '0')).join('')
}

export function createChatSocket() {
  const session = useSessionStore()
  const topics = useTopicsStore()
  const messages = useMessagesStore()
  const tasks = useTasksStore()
  const ui = useUiStore()

  let ws: WebSocket | null = null
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let heartbeat: ReturnType<typeof setInterval> | undefined
  let pongTimer: ReturnType<typeof setTimeout> | undefined
  let requestCounter = 0
  let stopped = false
  const outbox: string[] = []
  /** Request id → what to do when the server answers it with an error. */
  const onRequestError = new Map<string, (message: string) => void>()
  /** clientMessageIds of new chats sent from this tab, to follow them to their new topic. */
  const newChats = new Set<string>()
  const resyncing = new Set<string>()

  function frameUrl() {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
  }

  function request<T extends ClientType>(type: T, payload: ClientPayload<T>, onError?: (message: string) => void): string {
    const id = `r${++requestCounter}`
    if (onError) onRequestError.set(id, onError)
    const data = JSON.stringify({ type, payload, id })
    if (ws?.readyState === WebSocket.OPEN && session.status === 'open') ws.send(data)
    else outbox.push(data)
    return id
  }

  function openTopic(topicId: string) {
    resyncing.add(topicId)
    request('topic.open', { topicId })
  }

  function onFrame(frame: ServerFrame) {
    switch (frame.type) {
      case 'session.ready': {
        // Another identity (log-in, log-out, account deleted in another tab): nothing of the
        // previous one stays on screen.
        if (session.user && session.user.id !== frame.payload.user.id) {
          messages.reset()
          tasks.reset()
          if (topics.currentId) void navigateTo('/')
        }
        session.setReady(frame.payload.user, frame.payload.agents)
        topics.setAll(frame.payload.topics)
        attempt = 0
        if (topics.currentId) openTopic(topics.currentId)
        while (outbox.length && ws?.readyState === WebSocket.OPEN) ws.send(outbox.shift()!)
        return
      }
      case 'topic.created':
      case 'topic.updated':
        return topics.upsert(frame.payload.topic)
      case 'topic.deleted': {
        const { topicId } = frame.payload
        topics.remove(topicId)
        messages.dropTopic(topicId)
        tasks.dropTopic(topicId)
        if (topics.currentId === topicId) void navigateTo('/')
        return
      }
      case 'topic.history': {
        const { topicId, messages: page, tasks: taskList, hasMore } = frame.payload
        const older = !resyncing.delete(topicId) && (messages.threads[topicId]?.loaded ?? false)
        messages.setHistory(topicId, page, hasMore, older)
        if (!older) tasks.setForTopic(topicId, taskList)
        return
      }
      case 'message.created': {
        const { message } = frame.payload
        if (message.clientMessageId && newChats.delete(message.clientMessageId)) {
          messages.adoptDraft(message.clientMessageId, message.topicId)
          if (topics.currentId === null) void navigateTo(`/t/${message.topicId}`)
        }
        return messages.upsert(message)
      }
      case 'message.completed':
      case 'message.failed':
        return messages.upsert(frame.payload.message)
      case 'message.delta': {
        const outcome = messages.applyDeltaFrame(frame.payload)
        // A gap or an unknown message means frames were missed: fetch the topic's state again.
        if ((outcome === 'gap' || outcome === 'unknown') && !resyncing.has(frame.payload.topicId)
          && (outcome === 'gap' || frame.payload.topicId === topics.currentId)) openTopic(frame.payload.topicId)
        return
      }
      case 'message.deleted':
        return messages.remove(frame.payload.topicId, frame.payload.messageIds)
      case 'task.updated':
        return tasks.upsert(frame.payload.task)
      case 'error': {
        const { requestId, message, code } = frame.payload
        const handler = requestId ? onRequestError.get(requestId) : undefined
        if (requestId) onRequestError.delete(requestId)
        if (handler) handler(message)
        else ui.toast(message, code === 'rate_limited' ? 'info' : 'error')
        return
      }
      case 'pong':
        clearTimeout(pongTimer)
    }
  }

  function scheduleReconnect(delay = backoffDelay(attempt++)) {
    if (stopped) return
    session.status = 'reconnecting'
    session.retryAt = Date.now() + delay
    clearTimeout(retryTimer)
    retryTimer = setTimeout(connect, delay)
  }

  function stopHeartbeat() {
    clearInterval(heartbeat)
    clearTimeout(pongTimer)
  }

  function startHeartbeat(socket: WebSocket) {
    stopHeartbeat()
    heartbeat = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return
      socket.send(JSON.stringify({ type: 'ping', payload: {} }))
      // No pong in time: the connection is dead even if the browser has not noticed.
      pongTimer = setTimeout(() => socket.close(4000, 'heartbeat timeout'), PONG_TIMEOUT_MS)
    }, HEARTBEAT_MS)
  }

  async function connect() {
    clearTimeout(retryTimer)
    if (stopped || (ws && ws.readyState <= WebSocket.OPEN)) return
    session.status = session.everConnected ? 'reconnecting' : 'connecting'
    // After a failed attempt: is the session still there? A cleaned-up or ended one cannot come back.
    if (attempt > 1 && await sessionEnded()) {
      session.status = 'expired'
      return
    }
    const socket = new WebSocket(frameUrl())
    ws = socket
    socket.onopen = () => startHeartbeat(socket)
    socket.onmessage = (event) => {
      const frame = typeof event.data === 'string' ? parseServerFrame(event.data) : null
      if (frame) onFrame(frame)
      else console.warn('[socket] ignored a frame that does not match the protocol')
    }
    socket.onclose = (event) => {
      if (ws !== socket) return
      ws = null
      stopHeartbeat()
      onClosed(event)
    }
  }

  /** 401 from /api/auth/me: the cookie names no session any more (a network error is not that). */
  async function sessionEnded(): Promise<boolean> {
    return $fetch('/api/auth/me').then(() => false, (error: { statusCode?: number }) => error.statusCode === 401)
  }

  function onClosed(event: CloseEvent) {
    if (event.code === CLOSE.sessionChanged) {
      // This browser signed in or registered: come back at once with the new cookie.
      attempt = 0
      return scheduleReconnect(0)
    }
    if (event.code === CLOSE.serviceRestart) {
      // The server is restarting: another instance takes the socket (spread out, so not all at once).
      attempt = 0
      return scheduleReconnect(100 + Math.round(Math.random() * 900))
    }
    if (event.code === CLOSE.policy) ui.toast(event.reason ? `${event.reason}.` : 'You were signed out.', 'info')
    if (event.code === CLOSE.tooManySockets) ui.toast(event.reason || 'Too many open connections: close other tabs.')
    scheduleReconnect()
  }

  function reconnectNow() {
    if (session.status === 'reconnecting') {
      attempt = 0
      void connect()
    }
  }

  function sendMessage(topicId: string | null, agentId: string, text: string) {
    const clientMessageId = randomId()
    messages.addPending(topicId, text, clientMessageId)
    if (topicId === null) newChats.add(clientMessageId)
    request('message.send', { topicId, agentId, text, clientMessageId }, (message) => {
      newChats.delete(clientMessageId)
      messages.failPending(clientMessageId, { code: 'send_failed', message })
      ui.toast(message)
    })
  }

  function start() {
    stopped = false
    void connect()
    window.addEventListener('online', reconnectNow)
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && reconnectNow())
  }

  function stop() {
    stopped = true
    stopHeartbeat()
    clearTimeout(retryTimer)
    ws?.close(1000)
  }

  return { start, stop, request, openTopic, sendMessage, reconnectNow, DRAFT_TOPIC }
}

export type ChatSocket = ReturnType<typeof createChatSocket>
