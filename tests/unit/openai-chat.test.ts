// openai-chat.ts: the lean chat completions client's SSE reader, retry delay and stream reading.
// End to end (retries, tools, failures against a fake server) it runs in tests/nuxt/server/providers.
import { describe, expect, it } from 'vitest'
import { readCompletion, retryDelay, sseData } from '../../server/utils/agents/openai-chat'
import { AgentFailure } from '../../server/utils/agents/types'

const encoder = new TextEncoder()

async function* bytes(pieces: string[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield encoder.encode(piece)
}

async function collect(pieces: string[], maxLine?: number): Promise<string[]> {
  const out: string[] = []
  for await (const data of sseData(bytes(pieces), maxLine)) out.push(data)
  return out
}

function response(pieces: string[], contentType = 'text/event-stream'): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece))
      controller.close()
    },
  })
  return new Response(stream, { headers: { 'content-type': contentType } })
}

async function read(pieces: string[], contentType?: string) {
  const texts: string[] = []
  let chunks = 0
  const generator = readCompletion(response(pieces, contentType), 'Writer', () => chunks++)
  for (;;) {
    const next = await generator.next()
    if (next.done) return { texts, chunks, step: next.value }
    texts.push(next.value)
  }
}

const chunk = (delta: unknown, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`

describe('sseData', () => {
  it('splits events on blank lines whatever the byte boundaries, LF or CRLF', async () => {
    const stream = 'data: {"a":1}\n\ndata: {"b":2}\r\n\r\n: a comment\n\nevent: x\nid: 7\ndata: [DONE]\n\n'
    const expected = ['{"a":1}', '{"b":2}', '[DONE]']
    expect(await collect([stream])).toEqual(expected)
    // Every split point, including inside a CRLF and inside a multi-byte character's bytes.
    for (let i = 1; i < stream.length; i++) expect(await collect([stream.slice(0, i), stream.slice(i)])).toEqual(expected)
    expect(await collect(stream.split(''))).toEqual(expected)
  })

  it('decodes UTF-8 split across chunks', async () => {
    const all = encoder.encode('data: {"t":"héllo 👋"}\n\n')
    const out: string[] = []
    async function* split() {
      for (let i = 0; i < all.length; i++) yield all.slice(i, i + 1)
    }
    for await (const data of sseData(split())) out.push(data)
    expect(out).toEqual(['{"t":"héllo 👋"}'])
  })

  it('joins data lines of one event, takes "data:" without a space, and keeps a last event without its blank line', async () => {
    expect(await collect(['data:first\ndata: second\n\n', 'data: tail'])).toEqual(['first\nsecond', 'tail'])
    expect(await collect(['event: ping\n\n'])).toEqual([])
  })

  it('fails on a line longer than the limit instead of buffering without end', async () => {
    await expect(collect([`data: ${'x'.repeat(100)}`], 64)).rejects.toThrow(SyntaxError)
    expect(await collect([`data: ${'x'.repeat(50)}\n\n`], 64)).toHaveLength(1)
  })
})

describe('retryDelay', () => {
  it('honours retry-after-ms, retry-after in seconds or as a date, between 0 and 60 s; else 2 s', () => {
    expect(retryDelay(new Headers({ 'retry-after-ms': '1500' }))).toBe(1500)
    expect(retryDelay(new Headers({ 'retry-after': '3' }))).toBe(3000)
    const date = retryDelay(new Headers({ 'retry-after': new Date(Date.now() + 5_000).toUTCString() }))
    expect(date).toBeGreaterThan(3_000)
    expect(date).toBeLessThanOrEqual(5_000)
    expect(retryDelay(new Headers({ 'retry-after': '3600' }))).toBe(2000)
    expect(retryDelay(new Headers({ 'retry-after': '-1' }))).toBe(2000)
    expect(retryDelay(new Headers({ 'retry-after': 'soon' }))).toBe(2000)
    expect(retryDelay(new Headers())).toBe(2000)
  })
})

describe('readCompletion', () => {
  it('yields the text as it comes and returns usage, ignoring empty and role-only deltas', async () => {
    const { texts, step, chunks } = await read([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 2 } })}\n\n`,
      'data: [DONE]\n\n',
    ])
    expect(texts).toEqual(['Hel', 'lo'])
    expect(step).toEqual({ text: 'Hello', toolCalls: [], usage: { input: 12, output: 2 } })
    expect(chunks).toBe(6)
  })

  it('assembles tool calls whose arguments arrive in pieces, several at once', async () => {
    const { step } = await read([
      chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'calc', arguments: '' } }, { index: 1, id: 'b', type: 'function', function: { name: 'summarize', arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"expre' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ssion":"6*7"}' } }] }),
      chunk({}, 'tool_calls'),
      'data: [DONE]\n\n',
    ])
    expect(step.toolCalls).toEqual([
      { id: 'a', type: 'function', function: { name: 'calc', arguments: '{"expression":"6*7"}' } },
      { id: 'b', type: 'function', function: { name: 'summarize', arguments: '{}' } },
    ])
  })

  it('takes a finish reason or [DONE] as the end; a stream with neither broke off', async () => {
    await expect(read([chunk({ content: 'a' }), chunk({}, 'stop')])).resolves.toMatchObject({ texts: ['a'] })
    await expect(read([chunk({ content: 'a' }), 'data: [DONE]\n\n'])).resolves.toMatchObject({ texts: ['a'] })
    await expect(read([chunk({ content: 'a' })])).rejects.toMatchObject({ code: 'stream_interrupted', message: 'Writer: the provider\'s stream broke off before the reply was complete.' })
  })

  it('fails as bad_response on a chunk that is not JSON, a JSON body instead of a stream, or a runaway line', async () => {
    const texts: string[] = []
    const generator = readCompletion(response([chunk({ content: 'kept' }), 'data: {"choices":[{"delta":{"content":\n\n']), 'Writer', () => {})
    const failure = await (async () => {
      try {
        for await (const text of generator) texts.push(text)
      }
      catch (error) {
        return error
      }
    })()
    expect(texts).toEqual(['kept'])
    expect(failure).toBeInstanceOf(AgentFailure)
    expect(failure).toMatchObject({ code: 'bad_response', message: 'Writer: the provider sent a malformed response.' })
    await expect(read(['{"error":{"message":"nope"}}'], 'application/json')).rejects.toMatchObject({ code: 'bad_response' })
    await expect(read([`data: "${'x'.repeat(1.1 * 2 ** 20)}`])).rejects.toMatchObject({ code: 'bad_response' })
    await expect(read(['data: 42\n\n'])).rejects.toMatchObject({ code: 'bad_response' })
  })

  it('fails as provider_error on an error object in the stream, without quoting it', async () => {
    const secret = 'sk-live-should-not-show'
    const error = await read([chunk({ content: 'a' }), `data: ${JSON.stringify({ error: { message: `bad key ${secret}` } })}\n\n`]).catch(e => e as AgentFailure)
    expect(error).toMatchObject({ code: 'provider_error', message: 'Writer: the provider reported an error during the reply.' })
    expect(JSON.stringify(error)).not.toContain(secret)
  })
})

describe('postChat', () => {
  it('retries a connection that is refused once, after the SDK\'s 2 s, then fails as provider_unreachable', async () => {
    const { postChat } = await import('../../server/utils/agents/openai-chat')
    const { createServer } = await import('node:net')
    // A port that was free a moment ago and is closed now.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number }
        server.close(() => resolve(port))
      })
    })
    const client = { agentName: 'Writer', baseURL: `http://127.0.0.1:${port}/v1` }
    await expect(postChat(client, {}, new AbortController().signal, 0)).rejects.toMatchObject({ code: 'provider_unreachable', message: 'Writer: the provider could not be reached.' })
    const startedAt = Date.now()
    await expect(postChat(client, {}, new AbortController().signal, 1)).rejects.toMatchObject({ code: 'provider_unreachable' })
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_900)
    // A stop during the wait ends it at once, with the stop's reason.
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('stopped')), 100)
    const stoppedAt = Date.now()
    await expect(postChat(client, {}, controller.signal, 1)).rejects.toThrow('stopped')
    expect(Date.now() - stoppedAt).toBeLessThan(1_000)
  })
})
