// Model-backed agents through the Vercel AI SDK: one factory per provider, streaming text, task kinds
// as tools (each call becomes a task in the panel and its result goes back to the model), usage,
// a first-token timeout and readable failures. OpenAI-compatible agents stream through the lean
// client of openai-chat.ts instead (the SDK's chunk pipeline is the CPU ceiling of many replies).
import { createAnthropic } from '@ai-sdk/anthropic'
import { createGoogleGenerativeAI } from '@ai-sdk/google'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { generateText, JSONParseError, stepCountIs, streamText, tool, type LanguageModel, type ToolSet } from 'ai'
import { createOllama } from 'ollama-ai-provider-v2'
import { getTaskKind } from '../tasks/kinds'
import { agentInfo, agentTools, type ResolvedAgent } from './config'
import { fitHistory } from './context-window'
import { classifyProviderError } from './provider-errors'
import type { AgentRuntime, ProviderLimits, ReplyContext, Turn } from './types'
import { cleanTitle, runToolCall, silenceWatch, streamInterrupted, TITLE_SYSTEM, TITLE_TIMEOUT_MS, titlePrompt, type SilenceWatch } from './upstream'

export function languageModel({ config, apiKey, baseURL }: ResolvedAgent): LanguageModel {
  switch (config.provider) {
    case 'openai': return createOpenAI({ apiKey, baseURL })(config.model)
    case 'anthropic': return createAnthropic({ apiKey, baseURL })(config.model)
    case 'google': return createGoogleGenerativeAI({ apiKey, baseURL })(config.model)
    case 'ollama': return createOllama({ baseURL, fetch: strictNdjsonFetch(config.name) })(config.model)
    case 'openai-compatible': return createOpenAICompatible({ name: config.id, baseURL: baseURL!, apiKey, includeUsage: true })(config.model)
    case 'builtin': throw new Error('built-in agents have no language model')
  }
}

/**
 * The Ollama provider skips NDJSON lines it cannot parse (with a console.warn) and takes a stream
 * that ends without its `done` line as finished: a reply would be stored as complete with text
 * missing. This fetch fails such a stream instead, after the lines before the fault, so the reply
 * ends as bad_response or stream_interrupted like those of the other providers.
 */
export function strictNdjsonFetch(agentName: string, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init)
    if (!response.ok || !response.body || !response.headers.get('content-type')?.includes('ndjson')) return response
    const decoder = new TextDecoder()
    const encoder = new TextEncoder()
    let buffer = ''
    let ended = false
    // Errors the stream on the next turn of the event loop, once the lines already passed on are read.
    const failSoon = (controller: TransformStreamDefaultController<Uint8Array>, error: Error) =>
      new Promise<void>(resolve => setTimeout(() => {
        controller.error(error)
        resolve()
      }, 0))
    const pass = (line: string, controller: TransformStreamDefaultController<Uint8Array>): Error | undefined => {
      if (!line.trim()) return
      try {
        ended ||= (JSON.parse(line) as { done?: unknown })?.done === true
      }
      catch (cause) {
        return new JSONParseError({ text: line, cause })
      }
      controller.enqueue(encoder.encode(`${line}\n`))
    }
    const checked = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        buffer += decoder.decode(chunk, { stream: true })
        const lines = buffer.split('\n')
        buffer = lines.pop()!
        for (const line of lines) {
          const error = pass(line, controller)
          if (error) return failSoon(controller, error)
        }
      },
      flush(controller) {
        const error = pass(buffer + decoder.decode(), controller) ?? (ended ? undefined : streamInterrupted(agentName))
        if (error) return failSoon(controller, error)
      },
    }))
    return new Response(checked, { status: response.status, statusText: response.statusText, headers: response.headers })
  }
}

function taskTools(kinds: string[], ctx: ReplyContext, watch: SilenceWatch): ToolSet {
  const tools: ToolSet = {}
  for (const name of kinds) {
    const kind = getTaskKind(name)
    if (!kind) continue
    tools[name] = tool({
      description: kind.description,
      inputSchema: kind.input,
      execute: (input: unknown) => runToolCall(ctx, watch, name, input),
    })
  }
  return tools
}

export function providerAgent(resolved: ResolvedAgent, limits: ProviderLimits): AgentRuntime {
  const { config } = resolved
  const model = languageModel(resolved)
  const tools = agentTools(config)

  async function* reply(ctx: ReplyContext): AsyncGenerator<string> {
    const watch = silenceWatch(limits.silenceTimeoutMs)
    const result = streamText({
      model,
      system: config.systemPrompt,
      messages: fitHistory(ctx.history, limits.contextTokens, config.systemPrompt),
      temperature: config.temperature,
      tools: tools.length ? taskTools(tools, ctx, watch) : undefined,
      stopWhen: stepCountIs(6),
      // One retry, with backoff, for 429 (honouring retry-after) and 5xx before anything streamed.
      maxRetries: 1,
      abortSignal: AbortSignal.any([ctx.signal, watch.signal]),
      // Failures are classified and logged below, in one line. The SDK's default here prints the
      // whole error object: the request body (the conversation) and the provider's response body,
      // which may quote the API key.
      onError: () => {},
    })
    try {
      for await (const part of result.fullStream) {
        watch.touch()
        switch (part.type) {
          case 'text-delta':
            if (part.text) yield part.text
            break
          case 'finish':
            ctx.reportUsage({ inputTokens: part.totalUsage.inputTokens ?? 0, outputTokens: part.totalUsage.outputTokens ?? 0 })
            // The SDK's mark of a stream that ended (cleanly) without the provider's end event.
            if (part.finishReason === 'interrupted') throw streamInterrupted(config.name)
            break
          case 'abort':
            if (watch.signal.aborted) throw watch.signal.reason
            return
          case 'error':
            if (ctx.signal.aborted) return
            throw watch.signal.aborted ? watch.signal.reason : part.error
        }
      }
    }
    catch (error) {
      if (ctx.signal.aborted && !watch.signal.aborted) return
      const failure = classifyProviderError(watch.signal.aborted ? watch.signal.reason : error, config.name)
      console.warn(`[agent] ${config.id}: reply failed (${failure.code})`)
      throw failure
    }
    finally {
      watch.stop()
    }
  }

  async function title(history: Turn[], signal: AbortSignal): Promise<string | null> {
    const { text } = await generateText({
      model,
      system: TITLE_SYSTEM,
      prompt: titlePrompt(history),
      maxRetries: 0,
      abortSignal: AbortSignal.any([signal, AbortSignal.timeout(TITLE_TIMEOUT_MS)]),
    })
    return cleanTitle(text) || null
  }

  return {
    info: agentInfo(config),
    tools,
    reply,
    title,
  }
}
