// Provider failures as a stable code and a readable reason. Messages never include keys or headers.
import { APICallError, InvalidResponseDataError, JSONParseError, RetryError, TypeValidationError } from 'ai'
import { AgentFailure } from './types'

function unwrap(error: unknown): unknown {
  return RetryError.isInstance(error) ? error.lastError : error
}

function causeText(error: unknown): string {
  let current: unknown = error
  const parts: string[] = []
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { message?: unknown, code?: unknown, cause?: unknown }
    parts.push(`${String(e.code ?? '')} ${String(e.message ?? '')}`)
    current = e.cause
  }
  return parts.join(' ')
}

/** The reply broke off before the provider said it was complete. */
export function streamInterrupted(agentName: string): AgentFailure {
  return new AgentFailure('stream_interrupted', `${agentName}: the provider's stream broke off before the reply was complete.`)
}

export function classifyProviderError(error: unknown, agentName: string): AgentFailure {
  if (error instanceof AgentFailure) return error
  const inner = unwrap(error)
  // A 2xx APICallError ("Failed to process successful response") means the body broke off while it
  // was being read: it is classified by its cause below, not as a refusal.
  if (APICallError.isInstance(inner) && !(inner.statusCode !== undefined && inner.statusCode < 300)) {
    const status = inner.statusCode
    if (status === 401 || status === 403) return new AgentFailure('auth_failed', `${agentName}: the provider rejected the API key (${status}). Ask the operator to check it.`)
    if (status === 429) return new AgentFailure('rate_limited', `${agentName}: the provider is rate limiting requests (429). Try again in a moment.`)
    if (status === 404) return new AgentFailure('model_not_found', `${agentName}: the provider does not know this model (404).`)
    if (status !== undefined && status >= 500) return new AgentFailure('provider_error', `${agentName}: the provider had a server error (${status}). Try again later.`)
    if (status !== undefined) return new AgentFailure('provider_error', `${agentName}: the provider refused the request (${status}).`)
    return new AgentFailure('provider_unreachable', `${agentName}: the provider could not be reached.`)
  }
  if (JSONParseError.isInstance(inner) || TypeValidationError.isInstance(inner) || InvalidResponseDataError.isInstance(inner)) {
    return new AgentFailure('bad_response', `${agentName}: the provider sent a malformed response.`)
  }
  const text = causeText(inner)
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed|Cannot connect/i.test(text) && !/terminated|socket hang up|ECONNRESET|other side closed/i.test(text)) {
    return new AgentFailure('provider_unreachable', `${agentName}: the provider could not be reached.`)
  }
  if (/terminated|socket hang up|ECONNRESET|other side closed|premature close|aborted/i.test(text)) {
    return streamInterrupted(agentName)
  }
  console.error(`[agent] ${agentName} failed:`, inner instanceof Error ? `${inner.name}: ${inner.message}` : inner)
  return new AgentFailure('provider_error', `${agentName}: the reply failed (${inner instanceof Error ? inner.name : 'unknown error'}).`)
}
