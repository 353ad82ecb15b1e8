// The browser's one socket. @vueuse/core's useWebSocket does the transport: reconnecting with our
// backoff (utils/backoff.ts), the ping/pong heartbeat of DESIGN.md and buffering frames sent while
// disconnected. Frames go through the pure reducer (utils/chat-reducer.ts) into the stores; this file
// only carries out its effects. It starts once hydration has finished, so the server's HTML and the
// first client render agree (the connection status must not change while Vue hydrates). The
// transport, the reducer and the protocol's schemas are imported then too, not with the app's entry:
// the first paint needs none of them (frames asked for before are sent once the socket exists).
import type { UseWebSocketReturn } from '@vueuse/core'
import type { ClientPayload, ClientType, ServerFrame } from '#shared/protocol'
import { backoffDelay } from '~/utils/backoff'
import type { ChatState, Effect } from '~/utils/chat-reducer'
import type { PageKind } from '~/utils/chat-thread'

const HEARTBEAT_MS = 25_000
const PONG_TIMEOUT_MS = 10_000
const PING = JSON.stringify({ type: 'ping', payload: {} })
const PONG = JSON.stringify({ type: 'pong', payload: {} })

export type OnRequestError = (message: string, code: string) => void
export type TopicPage = { before: string } | { after: string } | { around: string } | Record<string, never>

type Protocol = typeof import('#shared/protocol')
type Transport = typeof import('~/utils/socket-transport')
type Reducer = typeof import('~/utils/chat-reducer')

export default defineNuxtPlugin({ name: 'chat-socket', dependsOn: ['i18n:plugin'], setup(nuxtApp) {
  const session = useSessionStore()
  const topics = useTopicsStore()
  const messages = useMessagesStore()
  const tasks = useTasksStore()
  const ui = useUiStore()
  const t = (key: string) => (nuxtApp.$i18n as { t: (key: string) => string }).t(key)
  /** A message a search result asked to show (useChat().openTopicAround): a resync keeps its page. */
  const focus = useState<{ topicId: string, messageId: string } | null>('chat-focus', () => null)

  let requestCounter = 0
  /** Request id → what to do when the server answers it with an error. */
  const onRequestError = new Map<string, OnRequestError>()
  /** Unanswered topic.open requests per topic, oldest first (the server answers one socket in order). */
  const pages = new Map<string, PageKind[]>()
  /** New chats sent from this tab: clientMessageId → called with the topic the server created. */
  const newChats = new Map<string, (topicId: string) => void>()
  /** The protocol's schemas (and zod with them) and the reducer, imported when the socket starts. */
  let protocol: Protocol | null = null
  let reducer: Reducer | null = null
  /** Frames asked for before the socket exists (useWebSocket buffers those sent while it is closed). */
  const early: string[] = []
  /** Set by onDisconnected for the next reconnect: at once after a new identity, soon after a restart. */
  let nextDelay: number | null = null

  let socket: UseWebSocketReturn<string> | null = null
  const url = computed(() => (import.meta.client ? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws` : undefined))
  const connect = ({ useWebSocket }: Transport) => useWebSocket(url, {
    immediate: false,
    autoConnect: false,
    heartbeat: { message: PING, responseMessage: PONG, interval: HEARTBEAT_MS, pongTimeout: PONG_TIMEOUT_MS },
    // The first two retries are useWebSocket's own; after that each attempt first asks over HTTP
    // whether the session still exists (a cleaned-up or ended one cannot come back) and whether the
    // server answers at all, as a restarting one finishes its start-up before taking sockets.
    autoReconnect: {
      retries: (retried: number) => checkedAttempts === 0 && retried < 2 && session.status !== 'expired',
      delay: (retried: number) => nextRetryDelay(retried - 1),
      onFailed: () => scheduleCheckedRetry(),
    },
    onMessage: (_ws, event) => {
      const frame = typeof event.data === 'string' ? protocol!.parseServerFrame(event.data) : null
      if (frame) onFrame(frame)
      else console.warn('[socket] ignored a frame that does not match the protocol')
    },
    // A socket replaced by a newer one (Retry now) closes after its successor opened: not news.
    onDisconnected: (ws, event) => (socket?.ws.value && ws !== socket.ws.value ? undefined : onClosed(event)),
    onConnected: () => (checkedAttempts = 0),
  })
  /** Reconnect attempts made after an HTTP check, since the socket was last open. */
  let checkedAttempts = 0
  let checkedRetry: ReturnType<typeof setTimeout> | undefined

  function nextRetryDelay(attempt: number): number {
    const delay = nextDelay ?? backoffDelay(attempt)
    nextDelay = null
    session.retryAt = Date.now() + delay
    return delay
  }

  function scheduleCheckedRetry() {
    if (session.status === 'expired') return
    const delay = nextRetryDelay(2 + checkedAttempts++)
    clearTimeout(checkedRetry)
    checkedRetry = setTimeout(async () => {
      if (await sessionEnded()) {
        session.status = 'expired'
        return
      }
      socket?.open()
    }, delay)
  }

  function state(): ChatState {
    return { user: session.user, agents: session.agents, topics: topics.items, threads: messages.threads, tasks: tasks.byTopic }
  }

  function commit(next: ChatState) {
    if (next.user !== session.user) session.user = next.user
    if (next.agents !== session.agents) session.agents = next.agents
    if (next.topics !== topics.items) topics.items = next.topics
    if (next.threads !== messages.threads) messages.threads = next.threads
    if (next.tasks !== tasks.byTopic) tasks.byTopic = next.tasks
  }

  function onFrame(frame: ServerFrame) {
    const { state: next, effects } = reducer!.reduceFrame(state(), frame, {
      currentTopicId: topics.currentId,
      pages: topicId => pages.get(topicId) ?? [],
      newChats: new Set(newChats.keys()),
    })
    commit(next)
    for (const effect of effects) run(effect)
  }

  function run(effect: Effect) {
    switch (effect.type) {
      case 'ready':
        session.status = 'open'
        session.retryAt = null
        session.everConnected = true
        return
      case 'navigate': return void navigateTo(effect.to)
      case 'resync': {
        const around = focus.value?.topicId === effect.topicId ? focus.value.messageId : null
        return openTopic(effect.topicId, around ? { around } : {})
      }
      case 'page-answered': return void pages.get(effect.topicId)?.shift()
      case 'new-chat-created': {
        const follow = newChats.get(effect.clientMessageId)
        newChats.delete(effect.clientMessageId)
        return follow?.(effect.topicId)
      }
      case 'error': {
        const handler = effect.requestId ? onRequestError.get(effect.requestId) : undefined
        if (effect.requestId) onRequestError.delete(effect.requestId)
        if (handler) handler(effect.message, effect.code)
        else ui.toast(effect.message, effect.code === 'rate_limited' ? 'info' : 'error')
        return
      }
      case 'pong': return
    }
  }

  function request<T extends ClientType>(type: T, payload: ClientPayload<T>, onError?: OnRequestError): string {
    const id = `r${++requestCounter}`
    if (onError) onRequestError.set(id, onError)
    const frame = JSON.stringify({ type, payload, id })
    if (socket) socket.send(frame)
    else early.push(frame)
    return id
  }

  /** Asks for a page of a topic: the latest (replacing what is held), or older, newer, or around a message. */
  function openTopic(topicId: string, page: TopicPage = {}, limit?: number) {
    const kind: PageKind = 'before' in page ? 'older' : 'after' in page ? 'newer' : 'replace'
    const queue = pages.get(topicId) ?? []
    queue.push(kind)
    pages.set(topicId, queue)
    request('topic.open', { topicId, ...page, ...(limit ? { limit } : {}) }, (message) => {
      queue.splice(queue.indexOf(kind), 1)
      ui.toast(message)
    })
  }

  /** Sends the first message of a new chat; resolves with the topic the server creates for it. */
  function sendNewChat(agentId: string, text: string, clientMessageId: string, onError: OnRequestError): Promise<string> {
    return new Promise((resolve) => {
      newChats.set(clientMessageId, resolve)
      request('message.send', { topicId: null, agentId, text, clientMessageId }, (message, code) => {
        newChats.delete(clientMessageId)
        onError(message, code)
      })
    })
  }

  function onClosed(event: CloseEvent) {
    const CLOSE = protocol!.CLOSE
    session.status = 'reconnecting'
    // This browser signed in or registered: come back at once with the new cookie.
    if (event.code === CLOSE.sessionChanged) nextDelay = 0
    // The server is restarting: another instance takes the socket (spread out, so not all at once).
    else if (event.code === CLOSE.serviceRestart) nextDelay = 100 + Math.round(Math.random() * 900)
    if (event.code === CLOSE.policy) ui.toast(event.reason ? `${event.reason}.` : t('chat.connection.signedOut'), 'info')
    if (event.code === CLOSE.tooManySockets) ui.toast(event.reason || t('chat.connection.tooManySockets'))
  }

  /** 401 from /api/auth/me: the cookie names no session any more (cleaned up or ended); a network error is not that. */
  function sessionEnded(): Promise<boolean> {
    return $fetch('/api/auth/me').then(() => false, (error: { statusCode?: number }) => error.statusCode === 401)
  }

  function reconnectNow() {
    if (session.status !== 'reconnecting') return
    clearTimeout(checkedRetry)
    socket?.open()
  }

  async function start() {
    session.status = 'connecting'
    const [loadedProtocol, transport, loadedReducer] = await Promise.all([import('#shared/protocol'), import('~/utils/socket-transport'), import('~/utils/chat-reducer')])
    protocol = loadedProtocol
    reducer = loadedReducer
    socket = connect(transport)
    socket.open()
    for (const frame of early.splice(0)) socket.send(frame)
    window.addEventListener('online', reconnectNow)
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && reconnectNow())
  }

  // Component tests mount the app without a server: no socket there.
  if (!('__vitest_worker__' in globalThis)) onNuxtReady(() => void start())
  return { provide: { chatSocket: { request, openTopic, sendNewChat, reconnectNow } } }
} })

export interface ChatSocket {
  request: <T extends ClientType>(type: T, payload: ClientPayload<T>, onError?: OnRequestError) => string
  openTopic: (topicId: string, page?: TopicPage, limit?: number) => void
  sendNewChat: (agentId: string, text: string, clientMessageId: string, onError: OnRequestError) => Promise<string>
  reconnectNow: () => void
}
