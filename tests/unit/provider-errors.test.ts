// classifyProviderError: every way a provider call fails, as a stable code and a readable reason.
import { APICallError, InvalidResponseDataError, JSONParseError, RetryError, TypeValidationError } from 'ai'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { classifyProviderError } from '../../server/utils/agents/provider-errors'
import { AgentFailure } from '../../server/utils/agents/types'

const SECRET = 'sk-live-0123456789abcdef'

function apiError(statusCode: number | undefined, extra: Partial<ConstructorParameters<typeof APICallError>[0]> = {}) {
  return new APICallError({
    message: `Incorrect API key provided: ${SECRET}`,
    url: 'https://api.example.com/v1/chat/completions',
    requestBodyValues: { messages: [{ role: 'user', content: 'private question' }] },
    statusCode,
    responseHeaders: { 'x-request-id': 'req_1' },
    responseBody: JSON.stringify({ error: { message: `Incorrect API key provided: ${SECRET}` } }),
    ...extra,
  })
}

function networkError(message: string, code?: string, causeMessage = '') {
  return new TypeError(message, { cause: Object.assign(new Error(causeMessage), code ? { code } : {}) })
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('classifyProviderError', () => {
  it.each([
    [401, 'auth_failed', 'Writer: the provider rejected the API key (401). Ask the operator to check it.'],
    [403, 'auth_failed', 'Writer: the provider rejected the API key (403). Ask the operator to check it.'],
    [429, 'rate_limited', 'Writer: the provider is rate limiting requests (429). Try again in a moment.'],
    [404, 'model_not_found', 'Writer: the provider does not know this model (404).'],
    [500, 'provider_error', 'Writer: the provider had a server error (500). Try again later.'],
    [503, 'provider_error', 'Writer: the provider had a server error (503). Try again later.'],
    [529, 'provider_error', 'Writer: the provider had a server error (529). Try again later.'],
    [400, 'provider_error', 'Writer: the provider refused the request (400).'],
    [422, 'provider_error', 'Writer: the provider refused the request (422).'],
  ])('an HTTP %i is %s', (status, code, message) => {
    const failure = classifyProviderError(apiError(status), 'Writer')
    expect(failure).toBeInstanceOf(AgentFailure)
    expect({ code: failure.code, message: failure.message }).toEqual({ code, message })
  })

  it('looks through the RetryError of a retried call at its last error', () => {
    const retried = new RetryError({ message: 'Failed after 2 attempts', reason: 'maxRetriesExceeded', errors: [apiError(503), apiError(429)] })
    expect(classifyProviderError(retried, 'Writer').code).toBe('rate_limited')
    const notRetryable = new RetryError({ message: 'Failed after 1 attempt', reason: 'errorNotRetryable', errors: [apiError(401)] })
    expect(classifyProviderError(notRetryable, 'Writer').code).toBe('auth_failed')
  })

  it('calls a provider that cannot be reached unreachable', () => {
    const refused = apiError(undefined, { message: 'Cannot connect to API: connect ECONNREFUSED 127.0.0.1:9', cause: networkError('fetch failed', 'ECONNREFUSED') })
    expect(classifyProviderError(refused, 'Writer')).toMatchObject({ code: 'provider_unreachable', message: 'Writer: the provider could not be reached.' })
    expect(classifyProviderError(networkError('fetch failed', 'ENOTFOUND', 'getaddrinfo ENOTFOUND api.example.com'), 'Writer').code).toBe('provider_unreachable')
    expect(classifyProviderError(networkError('fetch failed', 'EAI_AGAIN'), 'Writer').code).toBe('provider_unreachable')
  })

  it('calls a stream that broke off interrupted', () => {
    const terminated = networkError('terminated', 'UND_ERR_SOCKET', 'other side closed')
    expect(classifyProviderError(terminated, 'Writer')).toMatchObject({ code: 'stream_interrupted', message: 'Writer: the provider\'s stream broke off before the reply was complete.' })
    expect(classifyProviderError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'Writer').code).toBe('stream_interrupted')
    expect(classifyProviderError(new Error('Premature close'), 'Writer').code).toBe('stream_interrupted')
  })

  it('calls a stream that broke off after a 200 interrupted, not refused (the SDK wraps it in an APICallError)', () => {
    // What @ai-sdk/provider-utils throws when reading the body of a 200 response fails.
    const broken = apiError(200, { message: 'Failed to process successful response', responseBody: undefined, cause: networkError('terminated', 'UND_ERR_SOCKET', 'other side closed') })
    expect(classifyProviderError(broken, 'Writer')).toMatchObject({ code: 'stream_interrupted', message: 'Writer: the provider\'s stream broke off before the reply was complete.' })
  })

  it('calls chunks it cannot parse a malformed response', () => {
    const parse = new JSONParseError({ text: '{"choices":[{"delta":{"content":', cause: new SyntaxError('Unexpected end of JSON input') })
    const validation = new TypeValidationError({ value: { choices: 'nope' }, cause: new Error('expected array') })
    const data = new InvalidResponseDataError({ data: undefined, message: 'Response stream ended without a finish reason.' })
    for (const error of [parse, validation, data]) {
      expect(classifyProviderError(error, 'Writer')).toMatchObject({ code: 'bad_response', message: 'Writer: the provider sent a malformed response.' })
    }
  })

  it('passes an AgentFailure through as it is (the timeout of the silence watch)', () => {
    const timeout = new AgentFailure('timeout', 'The provider sent nothing for 60 s.')
    expect(classifyProviderError(timeout, 'Writer')).toBe(timeout)
  })

  it('gives anything else a generic reason and logs its name and message once', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const failure = classifyProviderError(new RangeError('something odd'), 'Writer')
    expect(failure).toMatchObject({ code: 'provider_error', message: 'Writer: the reply failed (RangeError).' })
    expect(log).toHaveBeenCalledTimes(1)
    expect(String(log.mock.calls[0]!.join(' '))).toContain('RangeError: something odd')
    expect(classifyProviderError('a string', 'Writer')).toMatchObject({ code: 'provider_error', message: 'Writer: the reply failed (unknown error).' })
  })

  it('never puts the provider message, body or request into the reason', () => {
    for (const status of [400, 401, 403, 404, 429, 500, undefined]) {
      const { message } = classifyProviderError(apiError(status), 'Writer')
      expect(message).not.toContain(SECRET)
      expect(message).not.toContain('private question')
      expect(message).not.toContain('req_1')
    }
  })
})
