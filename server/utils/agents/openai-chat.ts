// OpenAI-compatible agents (vLLM, llama.cpp, LM Studio, OpenRouter, Groq...) through a lean client of
// the chat completions API instead of the AI SDK. The SDK's stream pipeline costs about 100 µs of CPU
// per upstream chunk (bench/sse-parse.mjs), reading the SSE lines and parsing each one's JSON about
// 9 µs: with many replies streaming at once the SDK, not the app, filled the core. Same behaviour as
// the SDK path (the provider tests run both against the same fakes): one retry before anything
// streamed (429 honouring retry-after, 408/409/5xx, an unreachable host), task kinds as tools over
// up to six model calls, usage summed over them, the silence watch, readable failures.
import { toJSONSchema } from 'zod'
import { getTaskKind } from '../tasks/kinds'
import { agentInfo, agentTools, type ResolvedAgent } from './config'
import { fitHistory } from './context-window'
import { AgentFailure, type AgentRuntime, type ProviderLimits, type ReplyContext, type Turn } from './types'
import { sleep } from './pace'
import { badResponse, cleanTitle, connectionFailure, isRetryableStatus, runToolCall, silenceWatch, statusFailure, streamInterrupted, TITLE_SYSTEM, TITLE_TIMEOUT_MS, titlePrompt, unexpectedFailure } from './upstream'

const MAX_STEPS = 6
/** The SDK's first backoff, used when a retryable answer names no (reasonable) retry-after. */
const RETRY_DELAY_MS = 2_000
/** A line longer than this is no chat completion chunk: the stream fails instead of buffering on. */
const MAX_LINE_CHARS = 1 << 20

interface ToolCall {
  id: string
  type: 'function'
  function: { name: string, arguments: string }
}

type ChatMessage
  = | { role: 'system' | 'user', content: string }
    | { role: 'assistant', content: string | null, tool_calls?: ToolCall[] }
    | { role: 'tool', tool_call_id: string, content: string }

/** What of a chunk we read; anything else in it is ignored. */
interface Chunk {
  choices?: { delta?: { content?: unknown, refusal?: unknown, tool_calls?: ToolCallDelta[] }, finish_reason?: string | null }[]
  usage?: { prompt_tokens?: number | null, completion_tokens?: number | null } | null
  error?: { message?: unknown } | null
}

interface ToolCallDelta {
  index?: number
  id?: string
  function?: { name?: string, arguments?: string }
}

/**
 * The `data` of each server-sent event in a byte stream, per the SSE rules that matter here: lines
 * end in LF or CRLF, an event ends at a blank line, several `data:` lines join with LF, other fields
 * and comments are skipped. A line over `maxLine` characters throws.
 */
export async function* sseData(body: AsyncIterable<Uint8Array>, maxLine = MAX_LINE_CHARS): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let buffer = ''
  let data: string | undefined
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true })
    let start = 0
    let end: number
    while ((end = buffer.indexOf('\n', start)) >= 0) {
      const line = buffer.charCodeAt(end - 1) === 13 && end > start ? buffer.slice(start, end - 1) : buffer.slice(start, end)
      start = end + 1
      if (line === '') {
        if (data !== undefined) yield data
        data = undefined
      }
      else if (line.startsWith('data:')) {
        const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5)
        data = data === undefined ? value : `${data}\n${value}`
      }
    }
    buffer = start ? buffer.slice(start) : buffer
    if (buffer.length > maxLine) throw new SyntaxError('An SSE line is longer than the limit')
  }
  // A final event without its blank line still counts (some servers end that way).
  if (buffer.startsWith('data:')) data = (data === undefined ? '' : `${data}\n`) + buffer.slice(buffer.charCodeAt(5) === 32 ? 6 : 5).replace(/\r$/, '')
  if (data !== undefined) yield data
}

/** retry-after-ms or retry-after (seconds or a date) when between 0 and 60 s, as the SDK reads them. */
export function retryDelay(headers: Headers): number {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '')
  const after = headers.get('retry-after')
  const wanted = !Number.isNaN(ms) ? ms : after ? (Number.isNaN(Number.parseFloat(after)) ? Date.parse(after) - Date.now() : Number.parseFloat(after) * 1000) : Number.NaN
  return wanted >= 0 && wanted < 60_000 ? wanted : RETRY_DELAY_MS
}

/** Waits before a retry; a stop during the wait ends it at once, with the stop's reason. */
async function retryWait(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, signal)
  if (signal.aborted) throw signal.reason
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  let text = ''
  for (const part of content as { type?: unknown, text?: unknown }[]) {
    if (part?.type === 'text' && typeof part.text === 'string') text += part.text
  }
  return text
}

export interface ChatClientOptions {
  agentName: string
  baseURL: string
  apiKey?: string
}

/** POSTs to the chat completions endpoint; `retries` more tries for a retryable status or an unreachable host. */
export async function postChat(options: ChatClientOptions, body: unknown, signal: AbortSignal, retries: number): Promise<Response> {
  const url = `${options.baseURL.replace(/\/+$/, '')}/chat/completions`
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`
  const json = JSON.stringify(body)
  for (let attempt = 0; ; attempt++) {
    let response: Response
    try {
      response = await fetch(url, { method: 'POST', headers, body: json, signal })
    }
    catch {
      if (signal.aborted) throw signal.reason
      // No answer at all (refused, reset before the response, DNS): worth one more try, as the SDK does.
      if (attempt >= retries) throw new AgentFailure('provider_unreachable', `${options.agentName}: the provider could not be reached.`)
      await retryWait(RETRY_DELAY_MS, signal)
      continue
    }
    if (response.ok) return response
    // The body is never read: some providers quote the key in their error messages.
    await response.body?.cancel().catch(() => {})
    if (attempt >= retries || !isRetryableStatus(response.status)) throw statusFailure(response.status, options.agentName)
    await retryWait(retryDelay(response.headers), signal)
  }
}

/** One model call's outcome: the text it streamed (already yielded), its tool calls, its usage. */
interface Step {
  text: string
  toolCalls: ToolCall[]
  usage: { input: number, output: number }
}

/**
 * Reads one streamed chat completion, yielding its text as it comes and returning the step. A stream
 * that ends without `[DONE]` or a finish reason broke off; a chunk that is not JSON, or an error
 * object in the stream, fails the reply.
 */
export async function* readCompletion(response: Response, agentName: string, onChunk: () => void): AsyncGenerator<string, Step> {
  if (!response.body || response.headers.get('content-type')?.includes('json')) throw badResponse(agentName)
  const step: Step = { text: '', toolCalls: [], usage: { input: 0, output: 0 } }
  const calls: { id?: string, name?: string, arguments: string }[] = []
  let finished = false
  let done = false
  try {
    // Node's web streams are async iterable; the DOM typings in scope do not say so.
    for await (const data of sseData(response.body as unknown as AsyncIterable<Uint8Array>)) {
      onChunk()
      if (data === '[DONE]') {
        done = true
        break
      }
      let chunk: Chunk
      try {
        chunk = JSON.parse(data) as Chunk
      }
      catch {
        throw badResponse(agentName)
      }
      if (chunk === null || typeof chunk !== 'object') throw badResponse(agentName)
      if (chunk.error) {
        console.warn(`[agent] ${agentName}: the provider sent an error in the stream`)
        throw new AgentFailure('provider_error', `${agentName}: the provider reported an error during the reply.`)
      }
      if (chunk.usage) {
        step.usage.input += chunk.usage.prompt_tokens ?? 0
        step.usage.output += chunk.usage.completion_tokens ?? 0
      }
      const choice = chunk.choices?.[0]
      if (!choice) continue
      if (choice.finish_reason) finished = true
      const delta = choice.delta
      if (!delta) continue
      const text = textOf(delta.content) + (typeof delta.refusal === 'string' ? delta.refusal : '')
      if (text) {
        step.text += text
        yield text
      }
      if (Array.isArray(delta.tool_calls)) {
        for (const part of delta.tool_calls) {
          const call = (calls[part.index ?? Math.max(calls.length - 1, 0)] ??= { arguments: '' })
          call.id ??= part.id
          call.name ??= part.function?.name
          if (typeof part.function?.arguments === 'string') call.arguments += part.function.arguments
          if (call.arguments.length > MAX_LINE_CHARS) throw badResponse(agentName)
        }
      }
    }
  }
  catch (error) {
    if (error instanceof AgentFailure) throw error
    if (error instanceof SyntaxError) throw badResponse(agentName)
    throw error
  }
  if (!done && !finished) throw streamInterrupted(agentName)
  step.toolCalls = calls.filter(c => c?.name).map((c, i) => ({ id: c.id ?? `call_${i}`, type: 'function', function: { name: c.name!, arguments: c.arguments } }))
  return step
}

/** What goes back to the model for one tool call: the task's result, or why there was none. */
async function toolResult(call: ToolCall, allowed: string[], ctx: ReplyContext, watch: ReturnType<typeof silenceWatch>): Promise<unknown> {
  const name = call.function.name
  const kind = allowed.includes(name) ? getTaskKind(name) : undefined
  if (!kind) return { error: `There is no tool named ${name}.` }
  let args: unknown
  try {
    args = call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {}
  }
  catch {
    return { error: `The arguments of ${name} are not valid JSON.` }
  }
  const input = kind.input.safeParse(args)
  if (!input.success) return { error: `Invalid arguments for ${name}: ${input.error.issues.map(i => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}` }
  return runToolCall(ctx, watch, name, input.data)
}

export function openaiChatAgent(resolved: ResolvedAgent, limits: ProviderLimits): AgentRuntime {
  const { config } = resolved
  const client: ChatClientOptions = { agentName: config.name, baseURL: resolved.baseURL!, apiKey: resolved.apiKey }
  const tools = agentTools(config)
  const toolSpecs = tools.map((name) => {
    const kind = getTaskKind(name)!
    return { type: 'function', function: { name, description: kind.description, parameters: toJSONSchema(kind.input, { target: 'draft-7', io: 'input' }) } }
  })
  const system: ChatMessage[] = config.systemPrompt ? [{ role: 'system', content: config.systemPrompt }] : []

  async function* reply(ctx: ReplyContext): AsyncGenerator<string> {
    const watch = silenceWatch(limits.silenceTimeoutMs)
    const signal = AbortSignal.any([ctx.signal, watch.signal])
    const messages: ChatMessage[] = [...system, ...fitHistory(ctx.history, limits.contextTokens, config.systemPrompt).map(t => ({ role: t.role, content: t.content }))]
    const usage = { inputTokens: 0, outputTokens: 0 }
    try {
      for (let stepIndex = 0; stepIndex < MAX_STEPS; stepIndex++) {
        const response = await postChat(client, {
          model: config.model,
          messages,
          stream: true,
          stream_options: { include_usage: true },
          ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
          ...(toolSpecs.length ? { tools: toolSpecs } : {}),
        }, signal, stepIndex === 0 ? 1 : 0)
        watch.touch()
        const step = yield* readCompletion(response, config.name, watch.touch)
        usage.inputTokens += step.usage.input
        usage.outputTokens += step.usage.output
        ctx.reportUsage({ ...usage })
        if (!step.toolCalls.length || stepIndex === MAX_STEPS - 1) return
        messages.push({ role: 'assistant', content: step.text || null, tool_calls: step.toolCalls })
        const results = await Promise.all(step.toolCalls.map(call => toolResult(call, tools, ctx, watch)))
        step.toolCalls.forEach((call, i) => messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(results[i] ?? null) }))
      }
    }
    catch (error) {
      if (ctx.signal.aborted && !watch.signal.aborted) return
      const failure = watch.signal.aborted
        ? watch.signal.reason as AgentFailure
        : error instanceof AgentFailure ? error : connectionFailure(error, config.name) ?? unexpectedFailure(error, config.name)
      console.warn(`[agent] ${config.id}: reply failed (${failure.code})`)
      throw failure
    }
    finally {
      watch.stop()
    }
  }

  async function title(history: Turn[], signal: AbortSignal): Promise<string | null> {
    const response = await postChat(client, {
      model: config.model,
      stream: false,
      messages: [
        { role: 'system', content: TITLE_SYSTEM },
        { role: 'user', content: titlePrompt(history) },
      ],
    }, AbortSignal.any([signal, AbortSignal.timeout(TITLE_TIMEOUT_MS)]), 0)
    const body = await response.json() as { choices?: { message?: { content?: unknown } }[] }
    return cleanTitle(textOf(body?.choices?.[0]?.message?.content)) || null
  }

  return { info: agentInfo(config), tools, reply, title }
}
