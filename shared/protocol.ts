// The socket protocol of DESIGN.md as zod schemas: the one source for both sides and for docs/protocol.md.
import { z } from 'zod'
import { LIMITS } from './limits'

// In the browser, before the first schema is built: zod probes `new Function` when an object schema
// is created, and the page's CSP (no 'unsafe-eval') reports that probe as a violation. Its
// interpreter is fast enough for the socket's frames; the server keeps the compiled parsers.
if (import.meta.client) z.config({ jitless: true })

// The limits and close codes live in a module without zod, so the browser's first paint can use
// them without loading the schemas; they are part of the protocol all the same.
export { CLOSE, LIMITS } from './limits'

const id = z.string().min(1).max(100)
const isoTime = z.string()

export const errorCodes = [
  'bad_request',
  'not_found',
  'forbidden',
  'rate_limited',
  'too_large',
  'agent_unavailable',
  'internal',
] as const
export const ErrorCode = z.enum(errorCodes)
export type ErrorCode = z.infer<typeof ErrorCode>

// --- Shapes -----------------------------------------------------------------

export const providers = ['openai', 'anthropic', 'google', 'ollama', 'openai-compatible', 'builtin'] as const
export const Provider = z.enum(providers)

export const Agent = z.object({
  id,
  name: z.string(),
  description: z.string(),
  provider: Provider,
  model: z.string(),
})
export type Agent = z.infer<typeof Agent>

export const Topic = z.object({
  id,
  title: z.string(),
  agentId: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
})
export type Topic = z.infer<typeof Topic>

export const MessageError = z.object({ code: z.string(), message: z.string() })
export type MessageError = z.infer<typeof MessageError>

export const Usage = z.object({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) })
export type Usage = z.infer<typeof Usage>

export const messageStatuses = ['streaming', 'complete', 'failed', 'stopped'] as const
export const Message = z.object({
  id,
  topicId: id,
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  status: z.enum(messageStatuses),
  seq: z.number().int().min(0),
  agentId: z.string().optional(),
  clientMessageId: z.string().optional(),
  error: MessageError.optional(),
  /** Tokens the model read and wrote for this reply (provider agents only). */
  usage: Usage.optional(),
  /** The message this one answers or follows; absent for the first message of a topic. */
  parentId: id.optional(),
  /**
   * Ids of every version at this position (same parent and role), oldest first, this one included.
   * Absent or of length 1 when there is only one version.
   */
  versions: z.array(id).optional(),
  createdAt: isoTime,
})
export type Message = z.infer<typeof Message>
export type MessageStatus = Message['status']

export const taskStatuses = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const
export const TaskStatus = z.enum(taskStatuses)
export type TaskStatus = z.infer<typeof TaskStatus>

// A task's result is JSON; `text` (markdown) is what the task panel shows first.
export const TaskResult = z.looseObject({ text: z.string() })
export type TaskResult = z.infer<typeof TaskResult>

export const Task = z.object({
  id,
  topicId: id,
  messageId: z.string().optional(),
  kind: z.string(),
  title: z.string(),
  status: TaskStatus,
  progress: z.number().min(0).max(1).nullable(),
  /** What was asked (code, expression, text), cut to LIMITS.taskInputChars. */
  input: z.string().optional(),
  result: TaskResult.optional(),
  error: MessageError.optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
})
export type Task = z.infer<typeof Task>

export const User = z.object({ id, name: z.string().nullable(), guest: z.boolean() })
export type User = z.infer<typeof User>

// --- Client to server -------------------------------------------------------

const topicRef = { topicId: id }
const messageRef = { topicId: id, messageId: id }
const text = z.string().min(1).max(LIMITS.messageChars).refine(s => s.trim().length > 0, 'text must not be blank')

export const clientPayloads = {
  'message.send': z.object({
    topicId: id.nullable(),
    agentId: id,
    text,
    clientMessageId: id,
  }),
  'topic.open': z.object({
    ...topicRef,
    /** The page of older messages ending just before this one. */
    before: id.optional(),
    /** A page centred on this message (a search result), with `reset` and `hasNewer`. */
    around: id.optional(),
    /** The page of newer messages starting just after this one, with `hasNewer`. */
    after: id.optional(),
    limit: z.number().int().min(1).max(LIMITS.historyPageMax).optional(),
  }).refine(p => [p.before, p.around, p.after].filter(Boolean).length <= 1, 'before, around and after are mutually exclusive'),
  'topic.update': z.object({
    ...topicRef,
    title: z.string().trim().min(1).max(LIMITS.titleChars).optional(),
    agentId: id.optional(),
  }).refine(p => p.title !== undefined || p.agentId !== undefined, 'title or agentId is required'),
  'topic.delete': z.object(topicRef),
  /** Undoes a topic.delete within the server's UNDO_SECONDS. */
  'topic.restore': z.object(topicRef),
  'message.stop': z.object(messageRef),
  'message.regenerate': z.object(messageRef),
  'message.edit': z.object({ ...messageRef, text }),
  /** Makes this version active: the conversation below follows its most recent branch. */
  'message.select': z.object(messageRef),
  'message.delete': z.object(messageRef),
  /** Undoes a message.delete (the same messageId) within the server's UNDO_SECONDS. */
  'message.restore': z.object(messageRef),
  'task.cancel': z.object({ taskId: id }),
  /** Runs a failed or cancelled task again, as a new task. */
  'task.retry': z.object({ taskId: id }),
  'ping': z.object({}),
} as const

export type ClientType = keyof typeof clientPayloads
export type ClientPayload<T extends ClientType> = z.infer<(typeof clientPayloads)[T]>
export const clientTypes = Object.keys(clientPayloads) as ClientType[]

// The envelope is checked first so that an unknown type and a bad payload get distinct messages.
export const Envelope = z.object({
  type: z.string().min(1).max(64),
  payload: z.record(z.string(), z.unknown()),
  id: z.string().max(100).optional(),
})
export type Envelope = z.infer<typeof Envelope>

export type ClientFrame = { [T in ClientType]: { type: T, payload: ClientPayload<T>, id?: string } }[ClientType]

// --- Server to client -------------------------------------------------------

export const serverPayloads = {
  'session.ready': z.object({ user: User, agents: z.array(Agent), topics: z.array(Topic) }),
  'topic.created': z.object({ topic: Topic }),
  'topic.updated': z.object({ topic: Topic }),
  'topic.deleted': z.object({ topicId: id }),
  'topic.history': z.object({
    topicId: id,
    messages: z.array(Message),
    tasks: z.array(Task),
    /** Older messages exist before this page. */
    hasMore: z.boolean(),
    /** Newer messages exist after this page (pages from `around` and `after`). */
    hasNewer: z.boolean().optional(),
    /** Replace everything held for this topic with this page (a branch switch, a restore, `around`). */
    reset: z.boolean().optional(),
  }),
  'message.created': z.object({ message: Message }),
  'message.delta': z.object({ topicId: id, messageId: id, seq: z.number().int().min(1), text: z.string() }),
  'message.completed': z.object({ message: Message.extend({ stopped: z.boolean().optional() }) }),
  'message.failed': z.object({ message: Message.extend({ error: MessageError }) }),
  'message.deleted': z.object({ topicId: id, messageIds: z.array(id) }),
  'task.updated': z.object({ task: Task }),
  'error': z.object({ code: ErrorCode, message: z.string(), requestId: z.string().optional() }),
  'pong': z.object({}),
} as const

export type ServerType = keyof typeof serverPayloads
export type ServerPayload<T extends ServerType> = z.infer<(typeof serverPayloads)[T]>
export type ServerFrame = { [T in ServerType]: { type: T, payload: ServerPayload<T> } }[ServerType]

export function serverFrame<T extends ServerType>(type: T, payload: ServerPayload<T>): ServerFrame {
  return { type, payload } as ServerFrame
}

/** Parses a server frame on the client; null for anything that does not match the protocol. */
export function parseServerFrame(raw: string): ServerFrame | null {
  let data: unknown
  try {
    data = JSON.parse(raw)
  }
  catch {
    return null
  }
  const envelope = Envelope.safeParse(data)
  if (!envelope.success || !(envelope.data.type in serverPayloads)) return null
  const type = envelope.data.type as ServerType
  const payload = serverPayloads[type].safeParse(envelope.data.payload)
  return payload.success ? ({ type, payload: payload.data } as ServerFrame) : null
}

export type ParseResult
  = | { ok: true, frame: ClientFrame }
    | { ok: false, code: ErrorCode, message: string, requestId?: string }

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map(issue => (issue.path.length ? `${issue.path.join('.')}: ` : '') + issue.message)
    .join('; ')
}

/** Validates one client frame: JSON, then the envelope, then the payload of its type. */
export function parseClientFrame(raw: string): ParseResult {
  let data: unknown
  try {
    data = JSON.parse(raw)
  }
  catch {
    return { ok: false, code: 'bad_request', message: 'Frame is not valid JSON' }
  }
  const envelope = Envelope.safeParse(data)
  if (!envelope.success) {
    const requestId = typeof (data as { id?: unknown })?.id === 'string' ? (data as { id: string }).id : undefined
    return { ok: false, code: 'bad_request', message: `Invalid frame: ${describeIssues(envelope.error)}`, requestId }
  }
  const { type, payload, id: requestId } = envelope.data
  if (!(clientTypes as string[]).includes(type)) {
    return { ok: false, code: 'bad_request', message: `Unknown frame type "${type}"`, requestId }
  }
  const parsed = clientPayloads[type as ClientType].safeParse(payload)
  if (!parsed.success) {
    return { ok: false, code: 'bad_request', message: `Invalid ${type}: ${describeIssues(parsed.error)}`, requestId }
  }
  return { ok: true, frame: { type, payload: parsed.data, id: requestId } as ClientFrame }
}

// --- HTTP: search, export, import -------------------------------------------

/** GET /api/search query. */
export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(LIMITS.searchChars),
  limit: z.coerce.number().int().min(1).max(LIMITS.searchResultsMax).default(LIMITS.searchResultsDefault),
})
export type SearchQuery = z.infer<typeof SearchQuery>

export const SearchResult = z.object({
  topicId: id,
  topicTitle: z.string(),
  /** null: the topic's title matched. */
  messageId: id.nullable(),
  role: z.enum(['user', 'assistant']).optional(),
  /** Plain text (never HTML), at most LIMITS.snippetChars characters. */
  snippet: z.string().max(LIMITS.snippetChars),
  /** [start, end) offsets of the matched words in `snippet`. */
  matches: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])),
  createdAt: isoTime,
})
export type SearchResult = z.infer<typeof SearchResult>
export const SearchResponse = z.object({ results: z.array(SearchResult) })
export type SearchResponse = z.infer<typeof SearchResponse>

const exportTime = z.iso.datetime({ offset: true, error: 'must be an ISO date-time' })

/** One message of an export: the active branch only, so no ids or parents. */
export const ExportedMessage = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(LIMITS.importMessageChars),
  status: z.enum(messageStatuses),
  createdAt: exportTime,
  agentId: z.string().max(100).optional(),
  error: MessageError.optional(),
})
export type ExportedMessage = z.infer<typeof ExportedMessage>

export const ExportedTopic = z.object({
  title: z.string().trim().min(1).max(LIMITS.titleChars),
  agentId: z.string().min(1).max(100),
  createdAt: exportTime,
  updatedAt: exportTime,
  messages: z.array(ExportedMessage),
})
export type ExportedTopic = z.infer<typeof ExportedTopic>

/** GET /api/topics/:id/export?format=json, GET /api/export, and the body of POST /api/import. */
export const TopicsExport = z.object({
  format: z.literal('agent-chat-topics'),
  version: z.literal(1),
  exportedAt: exportTime,
  topics: z.array(ExportedTopic),
})
export type TopicsExport = z.infer<typeof TopicsExport>

/** 201 answer of POST /api/import: the topics created, newest first as in session.ready. */
export const ImportResponse = z.object({ topics: z.array(Topic) })
export type ImportResponse = z.infer<typeof ImportResponse>
