// Model-backed agents end to end, once per wire format, against local fake providers: streamed text
// and usage, the title from a non-streamed request, the history sent upstream, task kinds as tool
// calls, regenerate and edit, and the SDK's single retry for 429 (honouring retry-after) and 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientId, finished, send, type Client } from '../helpers'
import { agentId, FAKE_KEYS, fakeTitle, formatNames, formats, piecesOf, requestsFor, routes, startProviderServer, textReply, type FormatName, type ProviderServer } from './fakes'

const SYSTEM_PROMPT = 'You are a terse test agent. Answer in one sentence.'
const HELLO = 'Hello from the fake model: this reply arrives in small pieces, as a real stream would.'

let app: ProviderServer

beforeAll(async () => {
  app = await startProviderServer({
    systemPrompt: SYSTEM_PROMPT,
    tools: ['calc'],
    route: routes({
      'hello': (_r, { format }) => ({ stream: textReply(format, piecesOf(HELLO, 5), { input: 21, output: 13 }), everyMs: 2 }),
      // Echoes which user turn it answers, so that each reply of a topic is different.
      'echo': (_r, { format, turns }) => ({ stream: textReply(format, [`Reply to `, `"${turns.filter(t => t.role === 'user').at(-1)!.text}"`, ` (#${turns.filter(t => t.role === 'user').length})`]), everyMs: 1 }),
      'tool': (_r, { format, turns }) => turns.some(t => t.role === 'tool')
        ? { stream: textReply(format, ['The answer', ' is 42.'], { input: 40, output: 6 }), everyMs: 2 }
        : { stream: format.toolCall('call_fake_1', 'calc', { expression: '6*7' }, { input: 30, output: 9 }), everyMs: 2 },
      // Counts its requests so that a regenerated reply differs from the first one.
      'regen': (request, { fake, format }) => ({ stream: textReply(format, ['Answer number ', String(requestsFor(fake, '[regen]').indexOf(request) + 1)]), everyMs: 1 }),
      '429-once': (_r, { format, attempt }) => attempt === 0
        ? { status: 429, json: format.error(429, 'Rate limit reached for requests'), headers: { 'retry-after': '1' } }
        : { stream: textReply(format, ['Worth ', 'the wait.']), everyMs: 1 },
      '429-always': (_r, { format }) => ({ status: 429, json: format.error(429, 'Rate limit reached for requests'), headers: { 'retry-after': '1' } }),
      '5xx-once': (_r, { format, attempt }) => attempt === 0
        ? { status: 503, json: format.error(503, 'The server is overloaded') }
        : { stream: textReply(format, ['Back ', 'again.']), everyMs: 1 },
      '5xx-always': (_r, { format }) => ({ status: 500, json: format.error(500, 'The server had an error while processing your request') }),
    }),
  })
})

afterAll(async () => {
  await app?.stop()
})

function deltaText(client: Client, messageId: string) {
  const deltas = client.all('message.delta', d => d.messageId === messageId)
  return { text: deltas.map(d => d.text).join(''), seqs: deltas.map(d => d.seq) }
}

const consecutive = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe('session.ready', () => {
  it('lists one agent per configured provider next to the built-in ones', async () => {
    const { ready } = await app.guest()
    const ids = ready.agents.map(a => a.id)
    expect(ids).toEqual(expect.arrayContaining(['assistant', 'code-runner', ...formatNames.map(agentId)]))
    for (const name of formatNames) {
      expect(ready.agents.find(a => a.id === agentId(name))).toEqual({ id: agentId(name), name: `Fake ${name}`, description: `${formats[name].model} via ${name}`, provider: name, model: formats[name].model })
    }
  })
})

describe.concurrent.each(formatNames)('%s', (name: FormatName) => {
  const format = formats[name]
  const agent = agentId(name)

  it('streams the reply, stores its usage and titles the topic from a non-streamed request', async ({ expect }) => {
    const { client } = await app.guest()
    const { topicId, assistant } = await send(client, '[hello] Say hello, please', { agentId: agent })
    const { message, end } = await finished(client, assistant.id)
    expect(end.type).toBe('message.completed')
    expect(message).toMatchObject({ status: 'complete', content: HELLO, agentId: agent, usage: { inputTokens: 21, outputTokens: 13 } })
    const { text, seqs } = deltaText(client, assistant.id)
    expect(text).toBe(HELLO)
    expect(seqs).toEqual(consecutive(seqs.length))
    expect(message.seq).toBe(seqs.length)

    // The key from the environment went upstream in the provider's own header.
    const [request] = requestsFor(app.fakes[name], '[hello] Say hello')
    if (format.keyHeader) expect(request!.headers[format.keyHeader.name]).toBe(format.keyHeader.value(FAKE_KEYS[name]))
    expect(request!.finished).toBe(true)

    // After the first exchange the model names the topic (a generateText call, not a stream).
    const { topic } = await client.nextOf('topic.updated', p => p.topic.id === topicId && p.topic.title === fakeTitle(format))
    expect(topic.agentId).toBe(agent)
    const titleRequests = app.fakes[name].requests.filter(r => !format.isStream(r) && JSON.stringify(r.body).includes('[hello] Say hello'))
    expect(titleRequests).toHaveLength(1)
    expect(JSON.stringify(titleRequests[0]!.body)).toContain(HELLO.slice(0, 40))

    // Usage is stored with the message: a later topic.open returns it.
    client.send('topic.open', { topicId })
    const history = await client.nextOf('topic.history', p => p.topicId === topicId)
    expect(history.messages.map(m => m.role)).toEqual(['user', 'assistant'])
    expect(history.messages[1]).toMatchObject({ id: assistant.id, status: 'complete', content: HELLO, usage: { inputTokens: 21, outputTokens: 13 } })
  })

  it('sends the earlier turns of the topic, the system prompt first', async ({ expect }) => {
    const { client } = await app.guest()
    const first = await send(client, `[echo] first question for ${name}`, { agentId: agent })
    const one = await finished(client, first.assistant.id)
    expect(one.message.content).toBe(`Reply to "[echo] first question for ${name}" (#1)`)
    const second = await send(client, `[echo] second question for ${name}`, { agentId: agent, topicId: first.topicId })
    const two = await finished(client, second.assistant.id)
    expect(two.message.content).toBe(`Reply to "[echo] second question for ${name}" (#2)`)

    const [request] = requestsFor(app.fakes[name], `[echo] second question for ${name}`)
    expect(format.turns(request!.body)).toEqual([
      { role: 'system', text: SYSTEM_PROMPT },
      { role: 'user', text: `[echo] first question for ${name}` },
      { role: 'assistant', text: one.message.content },
      { role: 'user', text: `[echo] second question for ${name}` },
    ])
    // Only the first exchange asks for a title.
    const titleRequests = app.fakes[name].requests.filter(r => !format.isStream(r) && JSON.stringify(r.body).includes(`first question for ${name}`))
    expect(titleRequests).toHaveLength(1)
  })

  it('runs a tool call as a task and streams the answer that uses its result', async ({ expect }) => {
    const { client } = await app.guest()
    const { topicId, assistant } = await send(client, `[tool] What is six times seven? (${name})`, { agentId: agent })
    const { message } = await finished(client, assistant.id)
    expect(message.status).toBe('complete')
    expect(message.content).toBe('The answer is 42.')
    expect(message.content).toContain('42')
    // Usage adds up both model calls of the reply.
    expect(message.usage).toEqual({ inputTokens: 70, outputTokens: 15 })

    const updates = client.all('task.updated', p => p.task.messageId === assistant.id)
    expect(updates.length).toBeGreaterThan(0)
    const taskId = updates[0]!.task.id
    expect(updates.every(u => u.task.id === taskId)).toBe(true)
    const statuses = updates.map(u => u.task.status).filter((s, i, all) => s !== all[i - 1])
    expect(statuses).toEqual(['pending', 'running', 'completed'])
    const done = updates.at(-1)!.task
    expect(done).toMatchObject({ kind: 'calc', topicId, status: 'completed' })
    expect(done.result?.value).toBe('42')

    // Two upstream requests: the second carries the tool's result back to the model.
    const requests = requestsFor(app.fakes[name], `[tool] What is six times seven? (${name})`)
    expect(requests).toHaveLength(2)
    expect(format.turns(requests[0]!.body).some(t => t.role === 'tool')).toBe(false)
    const toolTurns = format.turns(requests[1]!.body).filter(t => t.role === 'tool')
    expect(toolTurns).toHaveLength(1)
    expect(toolTurns[0]!.text).toContain('42')

    client.send('topic.open', { topicId })
    const history = await client.nextOf('topic.history', p => p.topicId === topicId)
    expect(history.tasks).toEqual([expect.objectContaining({ id: taskId, kind: 'calc', status: 'completed', messageId: assistant.id })])
  })

  it('regenerates and edits with a new upstream request, deleting the old reply', async ({ expect }) => {
    const { client } = await app.guest()
    const first = await send(client, `[regen] pick a number (${name})`, { agentId: agent })
    const a = await finished(client, first.assistant.id)
    expect(a.message.content).toBe('Answer number 1')

    client.send('message.regenerate', { topicId: first.topicId, messageId: first.assistant.id })
    expect(await client.nextOf('message.deleted', p => p.topicId === first.topicId)).toEqual({ topicId: first.topicId, messageIds: [first.assistant.id] })
    const { message: again } = await client.nextOf('message.created', p => p.message.topicId === first.topicId && p.message.role === 'assistant' && p.message.id !== first.assistant.id)
    const b = await finished(client, again.id)
    expect(b.message).toMatchObject({ status: 'complete', content: 'Answer number 2' })
    expect(requestsFor(app.fakes[name], `[regen] pick a number (${name})`)).toHaveLength(2)

    client.send('message.edit', { topicId: first.topicId, messageId: first.user.id, text: `[regen] pick another number (${name})` })
    expect(await client.nextOf('message.deleted', p => p.topicId === first.topicId && p.messageIds.includes(first.user.id))).toEqual({ topicId: first.topicId, messageIds: [first.user.id, again.id] })
    const { message: edited } = await client.nextOf('message.created', p => p.message.topicId === first.topicId && p.message.role === 'user' && p.message.id !== first.user.id)
    expect(edited.content).toBe(`[regen] pick another number (${name})`)
    const { message: third } = await client.nextOf('message.created', p => p.message.topicId === first.topicId && p.message.role === 'assistant' && ![first.assistant.id, again.id].includes(p.message.id))
    const c = await finished(client, third.id)
    expect(c.message).toMatchObject({ status: 'complete', content: 'Answer number 3' })
    const [editRequest] = requestsFor(app.fakes[name], `[regen] pick another number (${name})`)
    // The edited conversation holds only the new user turn: the old one and its replies are gone.
    expect(format.turns(editRequest!.body).filter(t => t.role !== 'system')).toEqual([{ role: 'user', text: `[regen] pick another number (${name})` }])

    client.send('topic.open', { topicId: first.topicId })
    const history = await client.nextOf('topic.history', p => p.topicId === first.topicId)
    expect(history.messages.map(m => m.id)).toEqual([edited.id, third.id])
  })

  it('honours retry-after once on a 429 and then streams', async ({ expect }) => {
    const { client } = await app.guest()
    const { assistant } = await send(client, `[429-once] (${name})`, { agentId: agent })
    const { message } = await finished(client, assistant.id, 20_000)
    expect(message).toMatchObject({ status: 'complete', content: 'Worth the wait.' })
    const requests = requestsFor(app.fakes[name], `[429-once] (${name})`)
    expect(requests).toHaveLength(2)
    // retry-after: 1 was used instead of the SDK's own first backoff (about 2 s).
    const gap = requests[1]!.receivedAt - requests[0]!.receivedAt
    expect(gap).toBeGreaterThanOrEqual(950)
    expect(gap).toBeLessThan(1_900)
  })

  it('fails as rate_limited when the retry is rate limited too', async ({ expect }) => {
    const { client } = await app.guest()
    const { assistant } = await send(client, `[429-always] (${name})`, { agentId: agent })
    const { message, end } = await finished(client, assistant.id, 20_000)
    expect(end.type).toBe('message.failed')
    expect(message.status).toBe('failed')
    expect(message.error).toEqual({ code: 'rate_limited', message: `Fake ${name}: the provider is rate limiting requests (429). Try again in a moment.` })
    expect(requestsFor(app.fakes[name], `[429-always] (${name})`)).toHaveLength(2)
    expect(client.isOpen()).toBe(true)
  })

  it('retries a 5xx once, after a backoff, before the first token', async ({ expect }) => {
    const { client } = await app.guest()
    const { assistant } = await send(client, `[5xx-once] (${name})`, { agentId: agent })
    const { message } = await finished(client, assistant.id, 20_000)
    expect(message).toMatchObject({ status: 'complete', content: 'Back again.' })
    const requests = requestsFor(app.fakes[name], `[5xx-once] (${name})`)
    expect(requests).toHaveLength(2)
    expect(requests[1]!.receivedAt - requests[0]!.receivedAt).toBeGreaterThanOrEqual(1_500)
  })

  it('fails as provider_error when the retry gets a 5xx too', async ({ expect }) => {
    const { client } = await app.guest()
    const { assistant } = await send(client, `[5xx-always] (${name})`, { agentId: agent })
    const { message, end } = await finished(client, assistant.id, 20_000)
    expect(end.type).toBe('message.failed')
    expect(message.error).toEqual({ code: 'provider_error', message: `Fake ${name}: the provider had a server error (500). Try again later.` })
    expect(message.content).toBe('')
    expect(requestsFor(app.fakes[name], `[5xx-always] (${name})`)).toHaveLength(2)
    // The socket is fine: a request right after gets its answer.
    const id = clientId()
    client.send('ping', {}, id)
    await client.nextOf('pong')
  })
})

describe('secrets', () => {
  it('never shows a provider key in the server output or in any frame', () => {
    expect(app.clients.length).toBeGreaterThan(formatNames.length)
    expect(app.leakedKeys()).toEqual([])
  })
})
