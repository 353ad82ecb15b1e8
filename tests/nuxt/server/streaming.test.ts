// Replies that are still streaming: message.stop, the resume rule across a reconnect, and what the
// other operations do meanwhile. A slow server (60 ms per word) keeps replies going long enough.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientId, connect, finished, guest, send, sleep, type Client, type TestServer, startServer } from './helpers'

let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { BUILTIN_WORD_DELAY_MS: '60' } })
})

afterAll(async () => {
  await server?.stop()
})

async function deltasOf(client: Client, messageId: string, count: number) {
  await client.nextOf('message.delta', d => d.messageId === messageId && d.seq === count, 10_000)
  return client.all('message.delta', d => d.messageId === messageId)
}

async function requestError(client: Client, act: (id: string) => void) {
  const id = clientId()
  act(id)
  return client.nextOf('error', p => p.requestId === id)
}

describe('message.stop', () => {
  it('stops a streaming reply: stopped:true, status stopped, a non-empty prefix of the full reply', async () => {
    const { client } = await guest(server.url)
    const { topicId, assistant } = await send(client, 'thanks')
    await deltasOf(client, assistant.id, 2)
    client.send('message.stop', { topicId, messageId: assistant.id })
    const { message: stopped } = await client.nextOf('message.completed', p => p.message.id === assistant.id)
    expect(stopped.stopped).toBe(true)
    expect(stopped.status).toBe('stopped')
    const deltas = client.all('message.delta', d => d.messageId === assistant.id)
    expect(stopped.content).toBe(deltas.map(d => d.text).join(''))
    expect(stopped.seq).toBe(deltas.length)
    expect(stopped.content.length).toBeGreaterThan(0)

    // Nothing more streams for it, and it is stored as stopped.
    await sleep(400)
    expect(client.all('message.delta', d => d.messageId === assistant.id)).toHaveLength(deltas.length)
    client.send('topic.open', { topicId })
    const history = await client.nextOf('topic.history')
    expect(history.messages[1]).toMatchObject({ id: assistant.id, status: 'stopped', content: stopped.content, seq: stopped.seq })

    const again = await requestError(client, id => client.send('message.stop', { topicId, messageId: assistant.id }, id))
    expect(again.code).toBe('bad_request')

    // The full reply to the same conversation starts with what was stopped.
    client.send('message.regenerate', { topicId, messageId: assistant.id })
    expect(await client.nextOf('message.deleted')).toEqual({ topicId, messageIds: [assistant.id] })
    const { message: fresh } = await client.nextOf('message.created', p => p.message.role === 'assistant' && p.message.id !== assistant.id)
    const { message: full } = await finished(client, fresh.id)
    expect(full.status).toBe('complete')
    expect(full).not.toHaveProperty('stopped', true)
    expect(full.content.startsWith(stopped.content)).toBe(true)
    expect(full.content.length).toBeGreaterThan(stopped.content.length)
    await client.close()
  })
})

describe('while a reply streams', () => {
  it('a reconnecting client resumes it from topic.history without losing or duplicating text', async () => {
    const { client: first, cookie } = await guest(server.url)
    const { topicId, assistant } = await send(first, 'hello')
    const early = await deltasOf(first, assistant.id, 3)
    await first.close()
    // Words keep coming while nobody is connected.
    await sleep(500)

    const second = await connect(server.url, cookie)
    const ready = await second.nextOf('session.ready')
    expect(ready.topics.map(t => t.id)).toEqual([topicId])
    second.send('topic.open', { topicId })
    const history = await second.nextOf('topic.history')
    const resumed = history.messages.find(m => m.id === assistant.id)!
    expect(resumed.status).toBe('streaming')
    expect(resumed.seq).toBeGreaterThan(early.length)
    expect(resumed.content.startsWith(early.map(d => d.text).join(''))).toBe(true)

    const historyAt = second.frames.findIndex(f => f.type === 'topic.history')
    const { message: done } = await finished(second, assistant.id)
    const before = second.frames.slice(0, historyAt).flatMap(f => (f.type === 'message.delta' && f.payload.messageId === assistant.id ? [f.payload] : []))
    const after = second.frames.slice(historyAt).flatMap(f => (f.type === 'message.delta' && f.payload.messageId === assistant.id ? [f.payload] : []))
    // Deltas that reached the new socket before the history are already in it.
    expect(before.every(d => d.seq <= resumed.seq)).toBe(true)
    expect(after.length).toBeGreaterThan(0)
    expect(after.map(d => d.seq)).toEqual(after.map((_, i) => resumed.seq + 1 + i))
    expect(resumed.content + after.map(d => d.text).join('')).toBe(done.content)
    expect(done.seq).toBe(resumed.seq + after.length)
    expect(done.status).toBe('complete')
    expect(done.content).toContain('Hello!')
    await second.close()
  })

  it('another send to the topic is refused until the reply ends, and topic.delete stops it', async () => {
    const { client } = await guest(server.url)
    const { topicId, assistant } = await send(client, 'hello')
    await deltasOf(client, assistant.id, 1)

    const busy = await requestError(client, id => client.send('message.send', { topicId, agentId: 'assistant', text: 'thanks', clientMessageId: clientId() }, id))
    expect(busy.code).toBe('bad_request')

    client.send('topic.delete', { topicId })
    expect(await client.nextOf('topic.deleted')).toEqual({ topicId })
    const deletedAt = client.frames.findIndex(f => f.type === 'topic.deleted')
    await sleep(400)
    // The reply ended (at most announced as stopped) before the topic went: nothing about it follows.
    expect(client.frames.slice(deletedAt + 1).filter(f => f.type !== 'error' && f.type !== 'pong')).toEqual([])
    for (const end of client.all('message.completed', p => p.message.id === assistant.id)) expect(end.message.status).toBe('stopped')
    expect(client.all('message.failed', p => p.message.id === assistant.id)).toEqual([])
    const gone = await requestError(client, id => client.send('topic.open', { topicId }, id))
    expect(gone.code).toBe('not_found')
    await client.close()
  })

  it('message.edit of the question stops the streaming answer and answers the new text', async () => {
    const { client } = await guest(server.url)
    const { topicId, user, assistant } = await send(client, 'hello')
    await deltasOf(client, assistant.id, 1)

    client.send('message.edit', { topicId, messageId: user.id, text: 'thanks' })
    const deleted = await client.nextOf('message.deleted')
    expect(deleted).toEqual({ topicId, messageIds: [user.id, assistant.id] })
    const { message: reply } = await client.nextOf('message.created', p => p.message.role === 'assistant' && p.message.id !== assistant.id)
    const { message } = await finished(client, reply.id)
    expect(message.content).toMatch(/^You are welcome!/)
    client.send('topic.open', { topicId })
    const history = await client.nextOf('topic.history')
    expect(history.messages.map(m => [m.role, m.status])).toEqual([['user', 'complete'], ['assistant', 'complete']])
    await client.close()
  })
})
