// The messages the client holds for one topic, and every change to them as a pure function
// (thread in, new thread out; the input is never mutated). The reducer (utils/chat-reducer.ts) and
// the messages store's local actions (an optimistic send, its failure) are built on these.
import type { Message, MessageError, ServerPayload } from '#shared/protocol'
import { deltaOutcome, newerMessage, type DeltaOutcome } from '#shared/stream'

export interface LocalMessage extends Message {
  /** Sent by this tab, not yet echoed by the server. */
  pending?: boolean
  sendError?: MessageError
  stopped?: boolean
}

export interface TopicThread {
  messages: LocalMessage[]
  /** Older messages exist before the first one held. */
  hasMore: boolean
  /** Newer messages exist after the last one held (a search result opened in the middle, or the window was trimmed). */
  hasNewer: boolean
  loaded: boolean
}

/** The thread of a new chat, before the server has created its topic. */
export const DRAFT_TOPIC = '__draft__'

/**
 * The most messages held per topic: paging further drops the far end (and pages it back when the
 * reader returns), so the client's memory does not grow with the length of a topic.
 */
export const WINDOW_MESSAGES = 400

/** What a page of history does to the thread. */
export type PageKind = 'replace' | 'older' | 'newer'

export function emptyThread(): TopicThread {
  return { messages: [], hasMore: false, hasNewer: false, loaded: false }
}

type History = Pick<ServerPayload<'topic.history'>, 'messages' | 'hasMore' | 'hasNewer'>

/** A page of history: replaces the thread (keeping the further-along copy of each message and unsent ones) or extends one end. */
export function withHistory(thread: TopicThread, page: History, kind: PageKind): TopicThread {
  if (kind === 'older') return withOlder(thread, page)
  if (kind === 'newer') return withNewer(thread, page)
  const local = new Map(thread.messages.map(m => [m.id, m]))
  const pending = thread.messages.filter(m => m.pending && !page.messages.some(x => x.clientMessageId === m.clientMessageId))
  const messages = [...page.messages.map(m => (local.has(m.id) ? newerMessage(local.get(m.id)!, m) : m)), ...pending]
  return { messages, hasMore: page.hasMore, hasNewer: page.hasNewer ?? false, loaded: true }
}

function withOlder(thread: TopicThread, page: History): TopicThread {
  const known = new Set(thread.messages.map(m => m.id))
  const messages = [...page.messages.filter(m => !known.has(m.id)), ...thread.messages]
  const trimmed = messages.length > WINDOW_MESSAGES
  return {
    messages: trimmed ? messages.slice(0, WINDOW_MESSAGES) : messages,
    hasMore: page.hasMore,
    hasNewer: thread.hasNewer || trimmed,
    loaded: true,
  }
}

function withNewer(thread: TopicThread, page: History): TopicThread {
  // A server that does not know `after` answers with the latest page (no hasNewer): take it whole.
  if (page.hasNewer === undefined) return withHistory(thread, page, 'replace')
  const known = new Set(thread.messages.map(m => m.id))
  const messages = [...thread.messages, ...page.messages.filter(m => !known.has(m.id))]
  const trimmed = messages.length > WINDOW_MESSAGES
  return {
    messages: trimmed ? messages.slice(-WINDOW_MESSAGES) : messages,
    hasMore: thread.hasMore || trimmed,
    hasNewer: page.hasNewer,
    loaded: true,
  }
}

/** A message created or finished: replaces its copy (or the optimistic one with its clientMessageId) or is appended. */
export function withMessage(thread: TopicThread, message: LocalMessage): TopicThread {
  const index = thread.messages.findIndex(m => m.id === message.id
    || (m.pending && !!message.clientMessageId && m.clientMessageId === message.clientMessageId))
  if (index < 0) {
    // Newer messages than the window are not held: "jump to latest" brings them.
    if (thread.hasNewer) return thread
    return { ...thread, messages: [...thread.messages, message] }
  }
  const merged = newerMessage(thread.messages[index]!, message)
  if (merged === thread.messages[index]) return thread
  const messages = thread.messages.slice()
  messages[index] = merged
  return { ...thread, messages }
}

/** Appends a delta by the seq rule (shared/stream.ts); `unknown` when the message is not held. */
export function withDelta(thread: TopicThread | undefined, delta: ServerPayload<'message.delta'>): { thread?: TopicThread, outcome: DeltaOutcome | 'unknown' } {
  const index = thread?.messages.findIndex(m => m.id === delta.messageId) ?? -1
  if (!thread || index < 0) return { thread, outcome: 'unknown' }
  const message = thread.messages[index]!
  if (message.status !== 'streaming') return { thread, outcome: 'stale' }
  const outcome = deltaOutcome(message.seq, delta.seq)
  if (outcome !== 'applied') return { thread, outcome }
  const messages = thread.messages.slice()
  messages[index] = { ...message, content: message.content + delta.text, seq: delta.seq }
  return { thread: { ...thread, messages }, outcome }
}

export function withoutMessages(thread: TopicThread, messageIds: readonly string[]): TopicThread {
  const drop = new Set(messageIds)
  const messages = thread.messages.filter(m => !drop.has(m.id))
  return messages.length === thread.messages.length ? thread : { ...thread, messages }
}

/** The optimistic copy of a message this tab sends, shown until the server echoes it. */
export function pendingMessage(topicId: string, text: string, clientMessageId: string): LocalMessage {
  return {
    id: `local:${clientMessageId}`,
    topicId,
    role: 'user',
    content: text,
    status: 'complete',
    seq: 0,
    clientMessageId,
    createdAt: new Date().toISOString(),
    pending: true,
  }
}

export function withSendError(thread: TopicThread, clientMessageId: string, error: MessageError): TopicThread {
  const index = thread.messages.findIndex(m => m.pending && m.clientMessageId === clientMessageId)
  if (index < 0) return thread
  const messages = thread.messages.slice()
  messages[index] = { ...messages[index]!, sendError: error }
  return { ...thread, messages }
}

/** Moves the optimistic messages of a new chat from the draft thread into the topic the server created for them. */
export function adoptDraft(threads: Record<string, TopicThread>, clientMessageId: string, topicId: string): Record<string, TopicThread> {
  const draft = threads[DRAFT_TOPIC]
  if (!draft) return threads
  const moved = draft.messages.filter(m => m.clientMessageId === clientMessageId).map(m => ({ ...m, topicId }))
  const target = threads[topicId] ?? emptyThread()
  return {
    ...threads,
    [DRAFT_TOPIC]: { ...draft, messages: draft.messages.filter(m => m.clientMessageId !== clientMessageId) },
    // The topic was just created by this tab: the socket delivers all of it, so its page must not
    // wait for an HTTP fetch (meanwhile the welcome screen would come back and the reply stream unseen).
    [topicId]: { ...target, messages: [...target.messages, ...moved], loaded: true },
  }
}

export function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record
  const { [key]: _dropped, ...rest } = record
  return rest
}
