// Failures of the AI SDK's calls as a stable code and a readable reason. Messages never include keys
// or headers. The SDK-free pieces (by status, by connection) live in upstream.ts.
import { APICallError, InvalidResponseDataError, JSONParseError, RetryError, TypeValidationError } from 'ai'
import { AgentFailure } from './types'
import { badResponse, connectionFailure, statusFailure, unexpectedFailure } from './upstream'

function unwrap(error: unknown): unknown {
  return RetryError.isInstance(error) ? error.lastError : error
}

export function classifyProviderError(error: unknown, agentName: string): AgentFailure {
  if (error instanceof AgentFailure) return error
  const inner = unwrap(error)
  // A 2xx APICallError ("Failed to process successful response") means the body broke off while it
  // was being read: it is classified by its cause below, not as a refusal.
  if (APICallError.isInstance(inner) && !(inner.statusCode !== undefined && inner.statusCode < 300)) {
    if (inner.statusCode !== undefined) return statusFailure(inner.statusCode, agentName)
    return new AgentFailure('provider_unreachable', `${agentName}: the provider could not be reached.`)
  }
  if (JSONParseError.isInstance(inner) || TypeValidationError.isInstance(inner) || InvalidResponseDataError.isInstance(inner)) {
    return badResponse(agentName)
  }
  const failure = connectionFailure(inner, agentName)
  if (failure) return failure
  console.error(`[agent] ${agentName} failed:`, inner instanceof Error ? `${inner.name}: ${inner.message}` : inner)
  return unexpectedFailure(inner, agentName)
}
