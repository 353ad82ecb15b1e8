// Provider failures, once per wire format, with PROVIDER_TIMEOUT_SECONDS=1: a bad key, silence before
// the first token and mid-stream, a dropped connection, a stream closed without its end event,
// malformed chunks, and message.stop closing the upstream request. Each ends only that reply, as
// failed (or stopped) with a readable reason; the server, the socket and other replies carry on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chat, clientId, finished, send, sleep, type Client } from '../helpers'
import { agentId, FAKE_KEYS, formatNames, formats, requestsFor, routes, startProviderServer, textReply, type FormatName, type ProviderServer, type Step, type WireFormat } from './fakes'

let app: ProviderServer

const PARTIAL = ['Part', 'ial ', 'answer']
const SLOW = Array.from({ length: 60 }, (_, i) => `w${i} `)

const opening = (format: WireFormat): Step[] => [...format.start(), ...PARTIAL.map(p => format.text(p))]

beforeAll(async () => {
  app = await startProviderServer({
    env: { PROVIDER_TIMEOUT_SECONDS: '1' },
    route: routes({
      // The body names the key it got, as some providers' error messages do: it must not reach logs or frames.
      'bad-key': (request, { format }) => ({ status: 401, json: format.error(401, `Incorrect API key provided: ${String(request.headers['x-api-key'] ?? request.headers['x-goog-api-key'] ?? request.headers.authorization ?? '').replace(/^Bearer /, '')}`) }),
      'silent': () => ({ stream: ['hang'] }),
      'no-answer': () => ({ stream: ['hang'], noHeaders: true }),
      'stall': (_r, { format }) => ({ stream: [...opening(format), 'hang'], everyMs: 10 }),
      'drop': (_r, { format }) => ({ stream: [...opening(format), { wait: 100 }, 'drop'], everyMs: 10 }),
      'cut': (_r, { format }) => ({ stream: opening(format), everyMs: 10 }),
      'malformed': (_r, { format }) => ({ stream: [...opening(format), { wait: 50 }, format.malformed(), format.text(' never shown'), ...format.finish({ input: 1, output: 1 })], everyMs: 10 }),
      'slow': (_r, { format }) => ({ stream: textReply(format, SLOW), everyMs: 80 }),
      'ok': (_r, { format }) => ({ stream: textReply(format, ['All ', 'good.']), everyMs: 5 }),
    }),
  })
})

afterAll(async () => {
  await app?.stop()
})

async function failed(client: Client, text: string, agentId: string) {
  const startedAt = Date.now()
  const { assistant, topicId } = await send(client, text, { agentId })
  const result = await finished(client, assistant.id, 15_000)
  const deltas = client.all('message.delta', d => d.messageId === assistant.id)
  return { ...result, topicId, elapsed: Date.now() - startedAt, deltaText: deltas.map(d => d.text).join('') }
}

describe.concurrent.each(formatNames)('%s', (name: FormatName) => {
  const agent = agentId(name)

  it('a rejected key fails the reply as auth_failed, without a retry', async ({ expect }) => {
    const { client } = await app.guest()
    const { end, message } = await failed(client, `[bad-key] (${name})`, agent)
    expect(end.type).toBe('message.failed')
    expect(message).toMatchObject({ status: 'failed', content: '' })
    expect(message.error).toEqual({ code: 'auth_failed', message: `Fake ${name}: the provider rejected the API key (401). Ask the operator to check it.` })
    expect(requestsFor(app.fakes[name], `[bad-key] (${name})`)).toHaveLength(1)
    expect(client.isOpen()).toBe(true)
  })

  it('silence before the first token fails as timeout and closes the upstream request', async ({ expect }) => {
    const { client } = await app.guest()
    for (const tag of ['silent', 'no-answer']) {
      const { message, elapsed } = await failed(client, `[${tag}] (${name})`, agent)
      expect(message.status, tag).toBe('failed')
      expect(message.error, tag).toEqual({ code: 'timeout', message: 'The provider sent nothing for 1 s.' })
      expect(message.content, tag).toBe('')
      expect(elapsed, tag).toBeGreaterThanOrEqual(900)
      expect(elapsed, tag).toBeLessThan(5_000)
      const requests = requestsFor(app.fakes[name], `[${tag}] (${name})`)
      expect(requests, tag).toHaveLength(1)
      await expect.poll(() => requests[0]!.closedEarly, { timeout: 2_000 }).toBe(true)
    }
  })

  it('silence mid-stream fails as timeout and keeps the text so far', async ({ expect }) => {
    const { client } = await app.guest()
    const { message, deltaText } = await failed(client, `[stall] (${name})`, agent)
    expect(message.status).toBe('failed')
    expect(message.error?.code).toBe('timeout')
    expect(message.content).toBe(PARTIAL.join(''))
    expect(deltaText).toBe(PARTIAL.join(''))
    await expect.poll(() => requestsFor(app.fakes[name], `[stall] (${name})`)[0]!.closedEarly, { timeout: 2_000 }).toBe(true)
  })

  it('a dropped connection fails as stream_interrupted and keeps the text so far', async ({ expect }) => {
    const { client } = await app.guest()
    const { message, deltaText, topicId } = await failed(client, `[drop] (${name})`, agent)
    expect(message.status).toBe('failed')
    expect(message.error).toEqual({ code: 'stream_interrupted', message: `Fake ${name}: the provider's stream broke off before the reply was complete.` })
    expect(message.content).toBe(PARTIAL.join(''))
    expect(deltaText).toBe(PARTIAL.join(''))
    client.send('topic.open', { topicId })
    const history = await client.nextOf('topic.history', p => p.topicId === topicId)
    expect(history.messages[1]).toMatchObject({ status: 'failed', content: PARTIAL.join(''), error: message.error })
  })

  it('malformed chunks fail the reply as bad_response and keep the text before them', async ({ expect }) => {
    const { client } = await app.guest()
    const { message } = await failed(client, `[malformed] (${name})`, agent)
    expect(message.status).toBe('failed')
    expect(message.error).toEqual({ code: 'bad_response', message: `Fake ${name}: the provider sent a malformed response.` })
    expect(message.content).toBe(PARTIAL.join(''))
  })

  it('message.stop closes the upstream request and keeps the text so far', async ({ expect }) => {
    const { client } = await app.guest()
    const { topicId, assistant } = await send(client, `[slow] (${name})`, { agentId: agent })
    await client.nextOf('message.delta', d => d.messageId === assistant.id && d.seq === 3, 10_000)
    const stoppedAt = Date.now()
    client.send('message.stop', { topicId, messageId: assistant.id })
    const { message } = await client.nextOf('message.completed', p => p.message.id === assistant.id)
    expect(message).toMatchObject({ status: 'stopped', stopped: true })
    const deltas = client.all('message.delta', d => d.messageId === assistant.id)
    expect(message.content).toBe(deltas.map(d => d.text).join(''))
    expect(message.content.length).toBeGreaterThan(0)
    expect(SLOW.join('').startsWith(message.content)).toBe(true)
    expect(message.content.length).toBeLessThan(SLOW.join('').length)

    // The fake saw its response closed before it had written everything.
    const [request] = requestsFor(app.fakes[name], `[slow] (${name})`)
    await expect.poll(() => request!.closedEarly, { timeout: 2_000 }).toBe(true)
    expect(request!.finished).toBe(false)
    expect(request!.closedAt! - stoppedAt).toBeLessThan(1_000)
    const written = request!.writes.length
    await sleep(300)
    expect(request!.writes.length).toBe(written)
    expect(client.all('message.delta', d => d.messageId === assistant.id)).toHaveLength(deltas.length)
  })
})

// A clean close before the provider's end event ([DONE], response.completed, message_stop, a finishReason, done: true).
describe.concurrent.each(formatNames)('%s, closed without its end event', (name: FormatName) => {
  it('fails the reply (the text so far is kept) instead of storing it as complete', async ({ expect }) => {
    const { client } = await app.guest()
    const { message } = await failed(client, `[cut] (${name})`, agentId(name))
    expect(message.status).toBe('failed')
    expect(message.error?.code).toBe('stream_interrupted')
    expect(message.content).toBe(PARTIAL.join(''))
  })
})

describe('around failing replies', () => {
  it('the socket, pings and a built-in reply in another topic carry on, and the next provider reply works', async () => {
    const { client } = await app.guest()
    const failing = await Promise.all(formatNames.flatMap(name => ['drop', 'silent', 'malformed', 'bad-key'].map(tag => send(client, `[${tag}] together (${name})`, { agentId: agentId(name) }))))
    const builtin = await send(client, 'what is 12 * 12?')
    const id = clientId()
    client.send('ping', {}, id)
    await client.nextOf('pong', undefined, 2_000)

    const ends = await Promise.all(failing.map(f => finished(client, f.assistant.id, 15_000)))
    expect(ends.map(e => e.message.status)).toEqual(failing.map(() => 'failed'))
    const { message: answer } = await finished(client, builtin.assistant.id)
    expect(answer.status).toBe('complete')
    expect(answer.content).toContain('144')
    expect(client.isOpen()).toBe(true)
    expect(client.invalid).toEqual([])

    for (const name of formatNames) {
      const { message } = await chat(client, `[ok] after the failures (${name})`, { agentId: agentId(name) })
      expect(message).toMatchObject({ status: 'complete', content: 'All good.' })
    }
    expect(await fetch(`${app.server.url}/api/health`).then(r => r.status)).toBe(200)
  })
})

describe('secrets', () => {
  it('never shows a provider key in the server output or in any frame, even when a provider echoes it', () => {
    // The bad-key fakes did put the keys in their answers.
    for (const name of formatNames.filter(n => formats[n].keyHeader)) {
      const [request] = requestsFor(app.fakes[name], `[bad-key] (${name})`)
      expect(request!.finished).toBe(true)
    }
    expect(app.leakedKeys()).toEqual([])
    expect(Object.keys(FAKE_KEYS)).toEqual(expect.arrayContaining(formatNames))
  })
})
