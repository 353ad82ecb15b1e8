// Local fake model providers, one per wire format the AI SDK speaks here: OpenAI-compatible chat
// completions (SSE), the OpenAI Responses API (SSE), Anthropic messages (SSE), Gemini
// streamGenerateContent (SSE) and Ollama /api/chat (NDJSON). Each fake records every request it
// gets (path, headers, parsed body) and whether its response was closed before it finished, and
// answers with a plan: a JSON body (errors, non-streamed replies) or a list of chunks written one by
// one (with waits, a dropped socket, or silence). The chunk shapes follow recorded provider streams
// and what the SDK parsers in node_modules/@ai-sdk/* and ollama-ai-provider-v2 accept.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { guest, startServer, type Client, type TestServer } from '../helpers'

/**
 * A parsed JSON request body. Its shape depends on the wire format, so each format reads it through
 * its own (loose) zod schema below: a request the SDK shapes differently fails the test loudly.
 */
type Body = unknown

const Role = z.enum(['system', 'user', 'assistant', 'tool'])
const ChatMessages = z.looseObject({ messages: z.array(z.looseObject({ role: Role, content: z.unknown().optional() })) })
const ResponsesInput = z.looseObject({
  input: z.array(z.looseObject({ type: z.string().optional(), role: z.string().optional(), content: z.unknown().optional() })),
})
const AnthropicPart = z.looseObject({ type: z.string(), text: z.string().optional(), content: z.unknown().optional() })
const AnthropicRequest = z.looseObject({
  system: z.unknown().optional(),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(AnthropicPart)]) })),
})
const GeminiRequest = z.looseObject({
  systemInstruction: z.looseObject({ parts: z.unknown().optional() }).optional(),
  contents: z.array(z.looseObject({
    role: z.string(),
    parts: z.array(z.looseObject({ text: z.string().optional(), functionResponse: z.looseObject({ response: z.unknown().optional() }).optional() })),
  })),
})

function streamFlag(body: Body): boolean {
  return (body as { stream?: unknown } | undefined)?.stream === true
}

function chatTurns(body: Body): SentTurn[] {
  return ChatMessages.parse(body).messages.map(m => ({ role: m.role, text: textOf(m.content) }))
}

export type FormatName = 'openai-compatible' | 'openai' | 'anthropic' | 'google' | 'ollama'

export interface Usage {
  input: number
  output: number
}

/** One turn of the conversation as a provider request carries it. */
export interface SentTurn {
  role: 'system' | 'user' | 'assistant' | 'tool'
  text: string
}

export interface WireFormat {
  name: FormatName
  /** The `provider` value of an AGENTS_FILE entry. */
  provider: FormatName
  model: string
  /** The base URL an agent uses for a fake at `origin` (the SDK appends its own path to it). */
  baseURL: (origin: string) => string
  /** The request header that carries the key, and how the key appears in it. */
  keyHeader?: { name: string, value: (key: string) => string }
  contentType: string
  /** Is this request a streamed reply (else a one-shot generateText, e.g. the title)? */
  isStream: (request: Recorded) => boolean
  /** The conversation the request carries, system prompt first when there is one. */
  turns: (body: Body) => SentTurn[]
  /** Chunks that open a streamed reply. */
  start: () => string[]
  /** One chunk with a piece of text. */
  text: (piece: string) => string
  /** Chunks that end a streamed text reply, with its usage. */
  finish: (usage: Usage) => string[]
  /** A whole streamed reply that calls one tool (arguments split over several chunks where the format allows). */
  toolCall: (id: string, name: string, args: Record<string, unknown>, usage: Usage) => string[]
  /** A chunk that the SDK's parser rejects. */
  malformed: () => string
  /** The body of a non-streamed reply. */
  json: (text: string, usage: Usage) => unknown
  /** The body of an error response. */
  error: (status: number, message: string) => unknown
}

// -- framing --------------------------------------------------------------------------------------

function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`
}

function ndjson(data: unknown): string {
  return `${JSON.stringify(data)}\n`
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map(part => textOf(part)).join('')
  if (content && typeof content === 'object') {
    const part = content as Record<string, unknown>
    if (typeof part.text === 'string') return part.text
    if ('content' in part) return textOf(part.content)
    if ('output' in part) return typeof part.output === 'string' ? part.output : JSON.stringify(part.output)
    if ('value' in part) return typeof part.value === 'string' ? part.value : JSON.stringify(part.value)
    return JSON.stringify(part)
  }
  return ''
}

const created = 1_766_000_000

// -- OpenAI-compatible chat completions ------------------------------------------------------------

const openaiCompatible: WireFormat = {
  name: 'openai-compatible',
  provider: 'openai-compatible',
  model: 'fake-chat-1',
  baseURL: origin => `${origin}/v1`,
  keyHeader: { name: 'authorization', value: key => `Bearer ${key}` },
  contentType: 'text/event-stream',
  isStream: request => streamFlag(request.body),
  turns: chatTurns,
  start: () => [sse({ id: 'chatcmpl-fake1', object: 'chat.completion.chunk', created, model: 'fake-chat-1', system_fingerprint: 'fp_fake', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] })],
  text: piece => sse({ id: 'chatcmpl-fake1', object: 'chat.completion.chunk', created, model: 'fake-chat-1', system_fingerprint: 'fp_fake', choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] }),
  finish: usage => [
    sse({ id: 'chatcmpl-fake1', object: 'chat.completion.chunk', created, model: 'fake-chat-1', choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }),
    sse({ id: 'chatcmpl-fake1', object: 'chat.completion.chunk', created, model: 'fake-chat-1', choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } }),
    sse('[DONE]'),
  ],
  toolCall: (id, name, args, usage) => {
    const json = JSON.stringify(args)
    const half = Math.floor(json.length / 2)
    const chunk = (delta: unknown, finish: string | null = null) => sse({ id: 'chatcmpl-fake2', object: 'chat.completion.chunk', created, model: 'fake-chat-1', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })
    return [
      chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: json.slice(0, half) } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: json.slice(half) } }] }),
      chunk({}, 'tool_calls'),
      sse({ id: 'chatcmpl-fake2', object: 'chat.completion.chunk', created, model: 'fake-chat-1', choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } }),
      sse('[DONE]'),
    ]
  },
  malformed: () => sse('{"id":"chatcmpl-fake1","choices":[{"index":0,"delta":{"content":'),
  json: (text, usage) => ({ id: 'chatcmpl-fake3', object: 'chat.completion', created, model: 'fake-chat-1', choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } }),
  error: (status, message) => ({ error: { message, type: status === 429 ? 'rate_limit_error' : status === 401 ? 'invalid_request_error' : 'server_error', param: null, code: status === 401 ? 'invalid_api_key' : null } }),
}

// -- OpenAI Responses API --------------------------------------------------------------------------

let responseSeq = 0
function responseEvent(type: string, fields: Record<string, unknown>): string {
  return sse({ type, sequence_number: responseSeq++, ...fields }, type)
}

function responsesUsage(usage: Usage) {
  return { input_tokens: usage.input, input_tokens_details: { cached_tokens: 0 }, output_tokens: usage.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.input + usage.output }
}

function responseObject(status: string, output: unknown[], usage: Usage | null) {
  return { id: 'resp_fake1', object: 'response', created_at: created, status, error: null, incomplete_details: null, model: 'gpt-fake-1', output, usage: usage ? responsesUsage(usage) : null, store: true, temperature: 1, tool_choice: 'auto', tools: [] }
}

const openaiResponsesText: string[] = []
const openaiResponses: WireFormat = {
  name: 'openai',
  provider: 'openai',
  model: 'gpt-fake-1',
  baseURL: origin => `${origin}/v1`,
  keyHeader: { name: 'authorization', value: key => `Bearer ${key}` },
  contentType: 'text/event-stream',
  isStream: request => streamFlag(request.body),
  turns: body => ResponsesInput.parse(body).input.flatMap((item): SentTurn[] => {
    if (item.type === 'function_call_output') return [{ role: 'tool', text: textOf(item.output) }]
    if (item.type === 'function_call' || item.type === 'item_reference') return []
    const role = Role.parse(item.role === 'developer' ? 'system' : item.role)
    return [{ role, text: textOf(item.content) }]
  }),
  start: () => {
    openaiResponsesText.length = 0
    return [
      responseEvent('response.created', { response: responseObject('in_progress', [], null) }),
      responseEvent('response.in_progress', { response: responseObject('in_progress', [], null) }),
      responseEvent('response.output_item.added', { output_index: 0, item: { id: 'msg_fake1', type: 'message', status: 'in_progress', content: [], role: 'assistant' } }),
      responseEvent('response.content_part.added', { item_id: 'msg_fake1', output_index: 0, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } }),
    ]
  },
  text: (piece) => {
    openaiResponsesText.push(piece)
    return responseEvent('response.output_text.delta', { item_id: 'msg_fake1', output_index: 0, content_index: 0, delta: piece, logprobs: [] })
  },
  finish: (usage) => {
    const text = openaiResponsesText.join('')
    const item = { id: 'msg_fake1', type: 'message', status: 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text }], role: 'assistant' }
    return [
      responseEvent('response.output_text.done', { item_id: 'msg_fake1', output_index: 0, content_index: 0, text, logprobs: [] }),
      responseEvent('response.content_part.done', { item_id: 'msg_fake1', output_index: 0, content_index: 0, part: item.content[0] }),
      responseEvent('response.output_item.done', { output_index: 0, item }),
      responseEvent('response.completed', { response: responseObject('completed', [item], usage) }),
    ]
  },
  toolCall: (id, name, args, usage) => {
    const json = JSON.stringify(args)
    const half = Math.floor(json.length / 2)
    const item = { id: 'fc_fake1', type: 'function_call', status: 'completed', arguments: json, call_id: id, name }
    return [
      responseEvent('response.created', { response: responseObject('in_progress', [], null) }),
      responseEvent('response.in_progress', { response: responseObject('in_progress', [], null) }),
      responseEvent('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } }),
      responseEvent('response.function_call_arguments.delta', { item_id: 'fc_fake1', output_index: 0, delta: json.slice(0, half) }),
      responseEvent('response.function_call_arguments.delta', { item_id: 'fc_fake1', output_index: 0, delta: json.slice(half) }),
      responseEvent('response.function_call_arguments.done', { item_id: 'fc_fake1', output_index: 0, arguments: json }),
      responseEvent('response.output_item.done', { output_index: 0, item }),
      responseEvent('response.completed', { response: responseObject('completed', [item], usage) }),
    ]
  },
  malformed: () => sse('{"type":"response.output_text.delta","item_id":"msg_fake1","delta":', 'response.output_text.delta'),
  json: (text, usage) => responseObject('completed', [{ id: 'msg_fake2', type: 'message', status: 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text }], role: 'assistant' }], usage),
  error: (status, message) => ({ error: { message, type: status === 429 ? 'requests' : status === 401 ? 'invalid_request_error' : 'server_error', param: null, code: status === 401 ? 'invalid_api_key' : status === 429 ? 'rate_limit_exceeded' : 'server_error' } }),
}

// -- Anthropic messages ----------------------------------------------------------------------------

function anthropicEvent(type: string, fields: Record<string, unknown> = {}): string {
  return sse({ type, ...fields }, type)
}

function anthropicStart(id: string, usage: Usage | null): string {
  return anthropicEvent('message_start', { message: { id, type: 'message', role: 'assistant', model: 'claude-fake-1', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage?.input ?? 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } } })
}

const anthropic: WireFormat = {
  name: 'anthropic',
  provider: 'anthropic',
  model: 'claude-fake-1',
  baseURL: origin => `${origin}/v1`,
  keyHeader: { name: 'x-api-key', value: key => key },
  contentType: 'text/event-stream',
  isStream: request => streamFlag(request.body),
  turns: (raw) => {
    const body = AnthropicRequest.parse(raw)
    const turns: SentTurn[] = []
    if (body.system) turns.push({ role: 'system', text: textOf(body.system) })
    for (const message of body.messages) {
      const parts = typeof message.content === 'string' ? [{ type: 'text', text: message.content, content: undefined }] : message.content
      const results = parts.filter(p => p.type === 'tool_result')
      const text = parts.filter(p => p.type === 'text').map(p => p.text).join('')
      if (results.length) turns.push(...results.map(r => ({ role: 'tool' as const, text: textOf(r.content) })))
      if (text) turns.push({ role: message.role, text })
    }
    return turns
  },
  // Input tokens come in message_start (a placeholder here) and again, final, in message_delta.
  start: () => [anthropicStart('msg_fake1', null), anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), anthropicEvent('ping')],
  text: piece => anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }),
  finish: usage => [
    anthropicEvent('content_block_stop', { index: 0 }),
    anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: usage.input, output_tokens: usage.output } }),
    anthropicEvent('message_stop'),
  ],
  toolCall: (id, name, args, usage) => {
    const json = JSON.stringify(args)
    const half = Math.floor(json.length / 2)
    return [
      anthropicStart('msg_fake2', usage),
      anthropicEvent('content_block_start', { index: 0, content_block: { type: 'tool_use', id, name, input: {} } }),
      anthropicEvent('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '' } }),
      anthropicEvent('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(0, half) } }),
      anthropicEvent('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: json.slice(half) } }),
      anthropicEvent('content_block_stop', { index: 0 }),
      anthropicEvent('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: usage.output } }),
      anthropicEvent('message_stop'),
    ]
  },
  malformed: () => sse('{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":', 'content_block_delta'),
  json: (text, usage) => ({ id: 'msg_fake3', type: 'message', role: 'assistant', model: 'claude-fake-1', content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: usage.input, output_tokens: usage.output } }),
  error: (status, message) => ({ type: 'error', error: { type: status === 401 ? 'authentication_error' : status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error', message } }),
}

// -- Gemini ----------------------------------------------------------------------------------------

function geminiChunk(parts: unknown[] | null, extra: Record<string, unknown> = {}) {
  return { candidates: [{ ...(parts ? { content: { parts, role: 'model' } } : {}), index: 0, ...extra }], modelVersion: 'gemini-fake-1', responseId: 'resp-fake-gemini' }
}

function geminiUsage(usage: Usage) {
  return { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output, promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.input }] }
}

const google: WireFormat = {
  name: 'google',
  provider: 'google',
  model: 'gemini-fake-1',
  baseURL: origin => `${origin}/v1beta`,
  keyHeader: { name: 'x-goog-api-key', value: key => key },
  contentType: 'text/event-stream',
  isStream: request => request.path.includes(':streamGenerateContent'),
  turns: (raw) => {
    const body = GeminiRequest.parse(raw)
    const turns: SentTurn[] = []
    if (body.systemInstruction) turns.push({ role: 'system', text: textOf(body.systemInstruction.parts) })
    for (const content of body.contents) {
      const parts = content.parts
      const responses = parts.flatMap(p => (p.functionResponse ? [p.functionResponse] : []))
      const text = parts.filter(p => typeof p.text === 'string').map(p => p.text).join('')
      if (responses.length) turns.push(...responses.map(r => ({ role: 'tool' as const, text: JSON.stringify(r.response) })))
      if (text) turns.push({ role: content.role === 'model' ? 'assistant' : 'user', text })
    }
    return turns
  },
  start: () => [],
  text: piece => sse(geminiChunk([{ text: piece }])),
  finish: usage => [sse({ ...geminiChunk(null, { finishReason: 'STOP' }), usageMetadata: geminiUsage(usage) })],
  toolCall: (_id, name, args, usage) => [sse({ ...geminiChunk([{ functionCall: { name, args } }], { finishReason: 'STOP' }), usageMetadata: geminiUsage(usage) })],
  malformed: () => sse('{"candidates":[{"content":{"parts":[{"text":'),
  json: (text, usage) => ({ ...geminiChunk([{ text }], { finishReason: 'STOP' }), usageMetadata: geminiUsage(usage) }),
  error: (status, message) => ({ error: { code: status, message, status: status === 401 ? 'UNAUTHENTICATED' : status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } }),
}

// -- Ollama ----------------------------------------------------------------------------------------

function ollamaLine(message: Record<string, unknown>, done: false | { usage: Usage, reason: string }) {
  return {
    model: 'llama-fake:1b',
    created_at: new Date().toISOString(),
    message: { role: 'assistant', content: '', ...message },
    done: done !== false,
    ...(done ? { done_reason: done.reason, total_duration: 1_000_000, load_duration: 1000, prompt_eval_count: done.usage.input, prompt_eval_duration: 1000, eval_count: done.usage.output, eval_duration: 1000 } : {}),
  }
}

const ollama: WireFormat = {
  name: 'ollama',
  provider: 'ollama',
  model: 'llama-fake:1b',
  baseURL: origin => `${origin}/api`,
  contentType: 'application/x-ndjson',
  isStream: request => streamFlag(request.body),
  turns: chatTurns,
  start: () => [],
  text: piece => ndjson(ollamaLine({ content: piece }, false)),
  finish: usage => [ndjson(ollamaLine({}, { usage, reason: 'stop' }))],
  toolCall: (_id, name, args, usage) => [
    ndjson(ollamaLine({ tool_calls: [{ function: { name, arguments: args } }] }, false)),
    ndjson(ollamaLine({}, { usage, reason: 'stop' })),
  ],
  malformed: () => '{"model":"llama-fake:1b","message":{"role":"assistant","content":\n',
  json: (text, usage) => ollamaLine({ content: text }, { usage, reason: 'stop' }),
  error: (_status, message) => ({ error: message }),
}

export const formats: Record<FormatName, WireFormat> = { 'openai-compatible': openaiCompatible, 'openai': openaiResponses, anthropic, google, ollama }
export const formatNames = Object.keys(formats) as FormatName[]

// -- the fake server -------------------------------------------------------------------------------

export interface Recorded {
  /** Path and query, e.g. /v1/chat/completions. */
  path: string
  headers: IncomingHttpHeaders
  body: Body
  receivedAt: number
  /** Date.now() after each chunk was written. */
  writes: number[]
  /** The response ended normally. */
  finished: boolean
  /** The response was closed (by the client) before it finished. */
  closedEarly: boolean
  closedAt?: number
}

/** A pause, a dropped connection (the socket destroyed) or silence (nothing more, never ends). */
export type Step = string | { wait: number } | 'drop' | 'hang'

export type Plan
  = | { status?: number, json: unknown, headers?: Record<string, string> }
    | {
      stream: Step[]
      /** Pause between chunks (ms); 0 writes them back to back, each in its own write. */
      everyMs?: number
      headers?: Record<string, string>
      /** Send no status line at all: the request simply gets no answer. */
      noHeaders?: boolean
    }

export type Handler = (request: Recorded, fake: Fake) => Plan | Promise<Plan>

export interface Fake {
  format: WireFormat
  origin: string
  baseURL: string
  requests: Recorded[]
  handler: Handler
  close: () => Promise<void>
}

const sleep = (ms: number) => new Promise(done => setTimeout(done, ms))

async function writeStream(res: ServerResponse, record: Recorded, plan: Extract<Plan, { stream: Step[] }>, contentType: string) {
  let closed = false
  // The request's own 'close' fires once its body has been read; the response's fires when the
  // connection goes away (or after it ended): that is the one that stops the writer.
  res.on('close', () => {
    closed = true
    record.closedAt = Date.now()
    if (!res.writableFinished) record.closedEarly = true
  })
  if (plan.noHeaders) return
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache', 'connection': 'keep-alive', ...plan.headers })
  res.flushHeaders()
  for (const step of plan.stream) {
    if (closed) return
    if (step === 'drop') {
      res.socket?.destroy()
      return
    }
    if (step === 'hang') return
    if (typeof step === 'object') {
      await sleep(step.wait)
      continue
    }
    res.write(step)
    record.writes.push(Date.now())
    if (plan.everyMs) await sleep(plan.everyMs)
    else await new Promise(done => setImmediate(done))
  }
  if (!closed) {
    res.end()
    record.finished = true
  }
}

/** Starts a fake provider of `format` on a free loopback port. */
export async function startFake(format: WireFormat, handler: Handler): Promise<Fake> {
  const requests: Recorded[] = []
  const fake: Fake = { format, origin: '', baseURL: '', requests, handler, close: async () => {} }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString()
      let body: unknown = raw
      try {
        body = raw ? JSON.parse(raw) : undefined
      }
      catch {
        // not JSON: kept as text
      }
      const record: Recorded = { path: req.url ?? '', headers: req.headers, body, receivedAt: Date.now(), writes: [], finished: false, closedEarly: false }
      requests.push(record)
      let plan: Plan
      try {
        plan = await fake.handler(record, fake)
      }
      catch (error) {
        plan = { status: 500, json: { error: { message: `fake handler failed: ${(error as Error).message}` } } }
      }
      if ('json' in plan) {
        res.on('close', () => {
          record.closedAt = Date.now()
          if (!res.writableFinished) record.closedEarly = true
        })
        res.writeHead(plan.status ?? 200, { 'content-type': 'application/json', ...plan.headers })
        res.end(JSON.stringify(plan.json))
        record.finished = true
        return
      }
      await writeStream(res, record, plan, format.contentType)
    })
  })
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.baseURL = format.baseURL(fake.origin)
  fake.close = () => new Promise((done) => {
    server.closeAllConnections()
    server.close(() => done())
  })
  return fake
}

// -- scenarios -------------------------------------------------------------------------------------

/** The text of the last user turn of a request (what the scenarios key on). */
export function lastUserText(format: WireFormat, body: Body): string {
  return format.turns(body).filter(t => t.role === 'user').at(-1)?.text ?? ''
}

/** How many streamed requests before this one carried the same last user text (0 for the first). */
export function attempt(fake: Fake, request: Recorded): number {
  const text = lastUserText(fake.format, request.body)
  const same = fake.requests.filter(r => fake.format.isStream(r) && lastUserText(fake.format, r.body) === text)
  return same.indexOf(request)
}

/** Streamed requests whose last user turn contains `tag`. */
export function requestsFor(fake: Fake, tag: string): Recorded[] {
  return fake.requests.filter(r => fake.format.isStream(r) && lastUserText(fake.format, r.body).includes(tag))
}

/** A whole streamed text reply: opening chunks, one chunk per piece, closing chunks with usage. */
export function textReply(format: WireFormat, pieces: string[], usage: Usage = { input: 11, output: pieces.length }): Step[] {
  return [...format.start(), ...pieces.map(piece => format.text(piece)), ...format.finish(usage)]
}

/** `text` in pieces of about `size` characters. */
export function piecesOf(text: string, size = 4): string[] {
  const pieces: string[] = []
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size))
  return pieces
}

// -- the app's side: AGENTS_FILE and env -----------------------------------------------------------

export const FAKE_KEYS: Record<FormatName, string> = {
  'openai-compatible': 'sk-fake-compat-7f3a9c1e5b2d4f60',
  'openai': 'sk-fake-openai-3c8e1a7b9d2f4e61',
  'anthropic': 'sk-ant-fake-5d2b8f1c3a9e7d40',
  'google': 'AIza-fake-google-9e4c2a7f1b3d8e52',
  'ollama': 'ollama-fake-1a6d3f9c2e8b7a04',
}

export interface AgentEntry {
  id: string
  name: string
  provider: string
  model: string
  baseURL?: string
  apiKeyEnv?: string
  systemPrompt?: string
  temperature?: number
  tools?: string[]
  description?: string
}

/** The agent id used for a format in these tests. */
export function agentId(name: FormatName): string {
  return `fake-${name}`
}

/**
 * AGENTS_FILE entries and env for one agent per fake: keys and (where the SDK has a convention)
 * base URLs come from the environment as an operator would set them.
 */
export function providerSetup(fakes: Fake[], options: { systemPrompt?: string, tools?: string[] } = {}) {
  const agents: AgentEntry[] = []
  const env: Record<string, string> = {}
  for (const fake of fakes) {
    const { name } = fake.format
    const entry: AgentEntry = { id: agentId(name), name: `Fake ${name}`, provider: fake.format.provider, model: fake.format.model, ...(options.systemPrompt ? { systemPrompt: options.systemPrompt } : {}), ...(options.tools ? { tools: options.tools } : {}) }
    switch (name) {
      case 'openai':
        env.OPENAI_API_KEY = FAKE_KEYS.openai
        env.OPENAI_BASE_URL = fake.baseURL
        break
      case 'anthropic':
        env.ANTHROPIC_API_KEY = FAKE_KEYS.anthropic
        env.ANTHROPIC_BASE_URL = fake.baseURL
        break
      case 'google':
        env.GOOGLE_GENERATIVE_AI_API_KEY = FAKE_KEYS.google
        entry.baseURL = fake.baseURL
        break
      case 'ollama':
        env.OLLAMA_BASE_URL = fake.baseURL
        break
      case 'openai-compatible':
        env.FAKE_COMPAT_API_KEY = FAKE_KEYS['openai-compatible']
        entry.apiKeyEnv = 'FAKE_COMPAT_API_KEY'
        entry.baseURL = fake.baseURL
        break
    }
    agents.push(entry)
  }
  return { agents, env }
}

/** Writes an AGENTS_FILE (JSON text as given, or the entries) into a new temp dir; returns its path. */
export function writeAgentsFile(content: AgentEntry[] | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'agents-'))
  const path = join(dir, 'agents.json')
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  return path
}

// -- routing by tag --------------------------------------------------------------------------------

export interface RouteContext {
  fake: Fake
  format: WireFormat
  /** 0 for the first streamed request with this last user text, 1 for its retry, … */
  attempt: number
  /** The conversation the request carries. */
  turns: SentTurn[]
}

export type Route = (request: Recorded, ctx: RouteContext) => Plan | Promise<Plan>

/** The title a fake gives in its non-streamed (generateText) answers. */
export function fakeTitle(format: WireFormat): string {
  return `Fake title from ${format.name}`
}

/**
 * A handler that picks the plan by the `[tag]` in the last user turn of a streamed request; a
 * request with no known tag gets a short text reply, and a non-streamed one (the title) gets
 * fakeTitle(). Tests run concurrently against one fake by using different tags.
 */
export function routes(table: Record<string, Route>): Handler {
  return (request, fake) => {
    const { format } = fake
    if (!format.isStream(request)) return { json: format.json(fakeTitle(format), { input: 30, output: 5 }) }
    const turns = format.turns(request.body)
    const text = lastUserText(format, request.body)
    const tag = /\[([\w-]+)\]/.exec(text)?.[1]
    const route = tag ? table[tag] : undefined
    if (!route) return { stream: textReply(format, ['O', 'K.']), everyMs: 1 }
    return route(request, { fake, format, attempt: attempt(fake, request), turns })
  }
}

// -- the app server with one fake per format -------------------------------------------------------

export interface ProviderServer {
  server: TestServer
  fakes: Record<FormatName, Fake>
  /** A new guest whose frames are kept for the final key scan. */
  guest: () => ReturnType<typeof guest>
  /** Every client opened through `guest`. */
  clients: Client[]
  /** The fake keys found in the server's output or in any frame received (should be none). */
  leakedKeys: () => string[]
  stop: () => Promise<void>
}

export interface ProviderServerOptions {
  route: Handler
  env?: Record<string, string>
  systemPrompt?: string
  tools?: string[]
  /** More AGENTS_FILE entries (e.g. agents whose key is missing). */
  extraAgents?: AgentEntry[]
}

export async function startProviderServer(options: ProviderServerOptions): Promise<ProviderServer> {
  const fakes = Object.fromEntries(await Promise.all(formatNames.map(async name => [name, await startFake(formats[name], options.route)] as const))) as Record<FormatName, Fake>
  const { agents, env } = providerSetup(Object.values(fakes), { systemPrompt: options.systemPrompt, tools: options.tools })
  const agentsFile = writeAgentsFile([...agents, ...(options.extraAgents ?? [])])
  let server: TestServer
  try {
    server = await startServer({ env: { ...env, AGENTS_FILE: agentsFile, ...options.env } })
  }
  catch (error) {
    await Promise.all(Object.values(fakes).map(fake => fake.close()))
    throw error
  }
  const clients: Client[] = []
  return {
    server,
    fakes,
    clients,
    guest: async () => {
      const session = await guest(server.url)
      clients.push(session.client)
      return session
    },
    leakedKeys: () => {
      const seen = [server.logs.join(''), ...clients.flatMap(c => c.frames.map(f => JSON.stringify(f))), ...clients.flatMap(c => c.invalid)].join('\n')
      return Object.values(FAKE_KEYS).filter(key => seen.includes(key))
    },
    stop: async () => {
      await Promise.all(clients.map(c => c.close().catch(() => 0)))
      await server.stop()
      await Promise.all(Object.values(fakes).map(fake => fake.close()))
    },
  }
}
