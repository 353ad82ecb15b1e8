// What every model-backed agent shares, whichever client makes the upstream call (the AI SDK in
// provider.ts, the lean chat-completions client in openai-chat.ts): the silence watch, readable
// failures from an HTTP status or a broken connection, tool calls run as tasks, clean titles.
// Nothing here imports the AI SDK, so an agent that does not use it never loads it.
import { AgentFailure, type ReplyContext, type Turn } from './types'

/**
 * An AbortSignal that fires when the provider stays silent for `ms`: before the first token (after
 * the retry) or mid-stream. It is held while a tool runs, since the model waits for the result then.
 */
export function silenceWatch(ms: number) {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let held = 0
  const arm = () => {
    clearTimeout(timer)
    if (held === 0 && !controller.signal.aborted) {
      timer = setTimeout(() => controller.abort(new AgentFailure('timeout', `The provider sent nothing for ${Number((ms / 1000).toFixed(1))} s.`)), ms)
    }
  }
  arm()
  return {
    signal: controller.signal,
    touch: arm,
    hold: () => {
      held++
      clearTimeout(timer)
    },
    release: () => {
      held--
      arm()
    },
    stop: () => {
      held = Number.POSITIVE_INFINITY
      clearTimeout(timer)
    },
  }
}

export type SilenceWatch = ReturnType<typeof silenceWatch>

/**
 * Runs a model's tool call as a task (it shows in the panel) and returns what goes back to the
 * model: the task's result, or `{ error }` when it failed or was cancelled. The silence watch is
 * held meanwhile: the provider is waiting for us, not silent.
 */
export async function runToolCall(ctx: ReplyContext, watch: SilenceWatch, kind: string, input: unknown): Promise<unknown> {
  watch.hold()
  try {
    const outcome = await ctx.runTool(kind, input)
    return outcome.status === 'completed'
      ? outcome.result
      : { error: outcome.error?.message ?? `The task was ${outcome.status}` }
  }
  finally {
    watch.release()
  }
}

/** The instructions and the prompt of a title request: the first exchange, each turn cut short. */
export const TITLE_SYSTEM = 'You write titles for conversations. Answer with a title of 2 to 6 words, no quotes, no final period.'
export const TITLE_TIMEOUT_MS = 15_000

export function titlePrompt(history: Turn[]): string {
  return history.slice(0, 2).map(t => `${t.role === 'user' ? 'User' : 'Assistant'}: ${t.content.slice(0, 2000)}`).join('\n\n')
}

/**
 * A model's title without quotes, markdown marks or a final period, on one line. Only its start is
 * read: the trailing-marks pattern rescans a long run of white space from every position in it.
 */
export function cleanTitle(text: string): string {
  return text.trimStart().slice(0, 200).replace(/^["'“”\s#*]+|["'“”\s.*]+$/g, '').replace(/\s+/g, ' ').slice(0, 80)
}

/** The reply broke off before the provider said it was complete. */
export function streamInterrupted(agentName: string): AgentFailure {
  return new AgentFailure('stream_interrupted', `${agentName}: the provider's stream broke off before the reply was complete.`)
}

/** The provider answered with a body we cannot read (bad JSON, an unexpected shape). */
export function badResponse(agentName: string): AgentFailure {
  return new AgentFailure('bad_response', `${agentName}: the provider sent a malformed response.`)
}

/** A failure none of the above explains: its name only (a message may quote the request or a key). */
export function unexpectedFailure(error: unknown, agentName: string): AgentFailure {
  return new AgentFailure('provider_error', `${agentName}: the reply failed (${error instanceof Error ? error.name : 'unknown error'}).`)
}

/** A refusal by HTTP status (the body is never quoted: some providers echo the key in it). */
export function statusFailure(status: number, agentName: string): AgentFailure {
  if (status === 401 || status === 403) return new AgentFailure('auth_failed', `${agentName}: the provider rejected the API key (${status}). Ask the operator to check it.`)
  if (status === 429) return new AgentFailure('rate_limited', `${agentName}: the provider is rate limiting requests (429). Try again in a moment.`)
  if (status === 404) return new AgentFailure('model_not_found', `${agentName}: the provider does not know this model (404).`)
  if (status >= 500) return new AgentFailure('provider_error', `${agentName}: the provider had a server error (${status}). Try again later.`)
  return new AgentFailure('provider_error', `${agentName}: the provider refused the request (${status}).`)
}

/** Worth one more try before anything streamed: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/** The messages and codes of an error and its causes, for matching network failures. */
export function causeText(error: unknown): string {
  let current: unknown = error
  const parts: string[] = []
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { message?: unknown, code?: unknown, cause?: unknown }
    parts.push(`${String(e.code ?? '')} ${String(e.message ?? '')}`)
    current = e.cause
  }
  return parts.join(' ')
}

/** A failure of the connection itself: never reached, or broken off; undefined when it is neither. */
export function connectionFailure(error: unknown, agentName: string): AgentFailure | undefined {
  const text = causeText(error)
  const broken = /terminated|socket hang up|ECONNRESET|other side closed|premature close|aborted/i.test(text)
  if (!broken && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed|Cannot connect/i.test(text)) {
    return new AgentFailure('provider_unreachable', `${agentName}: the provider could not be reached.`)
  }
  return broken ? streamInterrupted(agentName) : undefined
}
