// Server frames → client state, as a pure function: (state, frame, context) → { state, effects }.
// The state is plain data (the stores copy it in and out); effects are what only the socket plugin
// can do (navigate, ask for a topic again, show an error). No Nuxt, no Vue, no I/O: tests/unit
// drives it frame by frame.
import type { Agent, ErrorCode, ServerFrame, ServerPayload, Task, Topic, User } from '#shared/protocol'
import { adoptDraft, emptyThread, withDelta, withHistory, withMessage, withoutKey, withoutMessages, type PageKind, type TopicThread } from './chat-thread'

export interface ChatState {
  user: User | null
  agents: Agent[]
  topics: Topic[]
  threads: Record<string, TopicThread>
  tasks: Record<string, Task[]>
}

export interface FrameContext {
  /** The topic on screen (`/t/<id>`), or null. */
  currentTopicId: string | null
  /** What this tab asked for with its unanswered topic.open requests of a topic, oldest first. */
  pages: (topicId: string) => readonly PageKind[]
  /** clientMessageIds of new chats sent from this tab, to follow them to their new topic. */
  newChats: ReadonlySet<string>
}

export type Effect
  = | { type: 'ready' }
    | { type: 'navigate', to: string }
    /** Frames were missed (a gap in deltas) or the topic is stale: ask for its latest page again. */
    | { type: 'resync', topicId: string }
    /** The oldest page request of this topic is answered. */
    | { type: 'page-answered', topicId: string }
    | { type: 'new-chat-created', clientMessageId: string, topicId: string }
    | { type: 'error', code: ErrorCode, message: string, requestId?: string }
    | { type: 'pong' }

export interface Reduced {
  state: ChatState
  effects: Effect[]
}

export function emptyChatState(): ChatState {
  return { user: null, agents: [], topics: [], threads: {}, tasks: {} }
}

export function reduceFrame(state: ChatState, frame: ServerFrame, ctx: FrameContext): Reduced {
  switch (frame.type) {
    case 'session.ready': return onReady(state, frame.payload, ctx)
    case 'topic.created':
    case 'topic.updated':
      return { state: { ...state, topics: upsertTopic(state.topics, frame.payload.topic) }, effects: [] }
    case 'topic.deleted': return onTopicDeleted(state, frame.payload.topicId, ctx)
    case 'topic.history': return onHistory(state, frame.payload, ctx)
    case 'message.created': return onMessageCreated(state, frame.payload.message, ctx)
    case 'message.completed':
    case 'message.failed':
      return { state: withThread(state, frame.payload.message.topicId, t => withMessage(t, frame.payload.message)), effects: [] }
    case 'message.delta': return onDelta(state, frame.payload, ctx)
    case 'message.deleted': {
      const { topicId, messageIds } = frame.payload
      return { state: state.threads[topicId] ? withThread(state, topicId, t => withoutMessages(t, messageIds)) : state, effects: [] }
    }
    case 'task.updated': return { state: { ...state, tasks: upsertTask(state.tasks, frame.payload.task) }, effects: [] }
    case 'error': return { state, effects: [{ type: 'error', ...frame.payload }] }
    case 'pong': return { state, effects: [{ type: 'pong' }] }
  }
}

function onReady(state: ChatState, ready: ServerPayload<'session.ready'>, ctx: FrameContext): Reduced {
  const effects: Effect[] = []
  // Another identity (log-in, log-out, account deleted in another tab): nothing of the previous one stays.
  const switched = !!state.user && state.user.id !== ready.user.id
  if (switched && ctx.currentTopicId) effects.push({ type: 'navigate', to: '/' })
  effects.push({ type: 'ready' })
  if (!switched && ctx.currentTopicId) effects.push({ type: 'resync', topicId: ctx.currentTopicId })
  return {
    state: {
      user: ready.user,
      agents: ready.agents,
      topics: ready.topics,
      threads: switched ? {} : state.threads,
      tasks: switched ? {} : state.tasks,
    },
    effects,
  }
}

function onTopicDeleted(state: ChatState, topicId: string, ctx: FrameContext): Reduced {
  return {
    state: {
      ...state,
      topics: state.topics.filter(t => t.id !== topicId),
      threads: withoutKey(state.threads, topicId),
      tasks: withoutKey(state.tasks, topicId),
    },
    effects: ctx.currentTopicId === topicId ? [{ type: 'navigate', to: '/' }] : [],
  }
}

function onHistory(state: ChatState, page: ServerPayload<'topic.history'>, ctx: FrameContext): Reduced {
  const asked = ctx.pages(page.topicId)[0]
  // `reset` always replaces (a branch switch, a restore, a page around a message), whatever was asked.
  const kind: PageKind = page.reset ? 'replace' : asked ?? 'replace'
  const thread = withHistory(state.threads[page.topicId] ?? emptyThread(), page, kind)
  const tasks = kind === 'replace' ? { ...state.tasks, [page.topicId]: page.tasks } : state.tasks
  return {
    state: { ...state, threads: { ...state.threads, [page.topicId]: thread }, tasks },
    effects: asked ? [{ type: 'page-answered', topicId: page.topicId }] : [],
  }
}

function onMessageCreated(state: ChatState, message: ServerPayload<'message.created'>['message'], ctx: FrameContext): Reduced {
  const effects: Effect[] = []
  let next = state
  if (message.clientMessageId && ctx.newChats.has(message.clientMessageId)) {
    next = { ...state, threads: adoptDraft(state.threads, message.clientMessageId, message.topicId) }
    effects.push({ type: 'new-chat-created', clientMessageId: message.clientMessageId, topicId: message.topicId })
  }
  return { state: withThread(next, message.topicId, t => withMessage(t, message)), effects }
}

function onDelta(state: ChatState, delta: ServerPayload<'message.delta'>, ctx: FrameContext): Reduced {
  const current = state.threads[delta.topicId]
  const { thread, outcome } = withDelta(current, delta)
  const next = thread && thread !== current ? { ...state, threads: { ...state.threads, [delta.topicId]: thread } } : state
  // A gap means frames were missed; an unknown message in the topic on screen means its state is
  // stale (unless the window ends before the newest messages, where replies are not held).
  const stale = outcome === 'gap' || (outcome === 'unknown' && delta.topicId === ctx.currentTopicId && !current?.hasNewer)
  const pageOnItsWay = ctx.pages(delta.topicId).includes('replace')
  return { state: next, effects: stale && !pageOnItsWay ? [{ type: 'resync', topicId: delta.topicId }] : [] }
}

function withThread(state: ChatState, topicId: string, change: (thread: TopicThread) => TopicThread): ChatState {
  const current = state.threads[topicId] ?? emptyThread()
  const thread = change(current)
  return thread === current && state.threads[topicId] ? state : { ...state, threads: { ...state.threads, [topicId]: thread } }
}

function upsertTopic(topics: Topic[], topic: Topic): Topic[] {
  const index = topics.findIndex(t => t.id === topic.id)
  if (index < 0) return [...topics, topic]
  const next = topics.slice()
  next[index] = topic
  return next
}

function upsertTask(tasks: Record<string, Task[]>, task: Task): Record<string, Task[]> {
  const list = tasks[task.topicId] ?? []
  const index = list.findIndex(t => t.id === task.id)
  // Updates can cross on the wire: never go back from a newer state.
  if (index >= 0 && list[index]!.updatedAt > task.updatedAt) return tasks
  const next = list.slice()
  if (index >= 0) next[index] = task
  else next.push(task)
  return { ...tasks, [task.topicId]: next }
}
