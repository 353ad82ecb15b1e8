// DESIGN.md "Socket protocol": a send that creates a topic, every client frame type, and fan-out to
// every socket of a user. One fast server (2 ms per word) for the whole file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chat, clientId, connect, finished, guest, send, startServer, type Client, type Frame, type TestServer } from './helpers'

let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { BUILTIN_WORD_DELAY_MS: '2' } })
})

afterAll(async () => {
  await server?.stop()
})

async function history(client: Client, topicId: string, extra: { before?: string, limit?: number } = {}) {
  const id = clientId()
  client.send('topic.open', { topicId, ...extra }, id)
  const frame = await client.next(f => f.type === 'topic.history' || (f.type === 'error' && f.payload.requestId === id))
  if (frame.type !== 'topic.history') throw new Error(`topic.open failed: ${JSON.stringify(frame.payload)}`)
  return frame.payload
}

async function requestError(client: Client, send: (id: string) => void) {
  const id = clientId()
  send(id)
  return client.nextOf('error', p => p.requestId === id)
}

function indexOf(frames: Frame[], predicate: (f: Frame) => boolean): number {
  return frames.findIndex(predicate)
}

describe('message.send', () => {
  it('with topicId null creates the topic and streams an answer that used the calc task', async () => {
    const { client } = await guest(server.url)
    const clientMessageId = clientId()
    const text = 'what is 12 * (3+4)?'
    client.send('message.send', { topicId: null, agentId: 'assistant', text, clientMessageId })

    const { topic } = await client.nextOf('topic.created')
    expect(topic.agentId).toBe('assistant')
    expect(topic.title).toBe(text)
    const { message: user } = await client.nextOf('message.created', p => p.message.role === 'user')
    expect(user).toMatchObject({ topicId: topic.id, role: 'user', content: text, status: 'complete', clientMessageId })
    const { message: assistant } = await client.nextOf('message.created', p => p.message.role === 'assistant')
    expect(assistant).toMatchObject({ topicId: topic.id, role: 'assistant', content: '', status: 'streaming', seq: 0, agentId: 'assistant' })

    const { message: done, deltas } = await finished(client, assistant.id)
    const frames = client.frames
    // Order on the wire: topic, user message, assistant message, then the deltas, then the end.
    const at = {
      topic: indexOf(frames, f => f.type === 'topic.created'),
      user: indexOf(frames, f => f.type === 'message.created' && f.payload.message.id === user.id),
      assistant: indexOf(frames, f => f.type === 'message.created' && f.payload.message.id === assistant.id),
      firstDelta: indexOf(frames, f => f.type === 'message.delta'),
      lastDelta: frames.findLastIndex(f => f.type === 'message.delta'),
      completed: indexOf(frames, f => f.type === 'message.completed'),
    }
    expect(at.topic).toBeLessThan(at.user)
    expect(at.user).toBeLessThan(at.assistant)
    expect(at.assistant).toBeLessThan(at.firstDelta)
    expect(at.lastDelta).toBeLessThan(at.completed)

    // Streamed in pieces (the server may coalesce words that come close together).
    expect(deltas.length).toBeGreaterThan(1)
    expect(deltas.map(d => d.seq)).toEqual(deltas.map((_, i) => i + 1))
    expect(deltas.every(d => d.topicId === topic.id)).toBe(true)
    expect(done.status).toBe('complete')
    expect(done.content).toBe(deltas.map(d => d.text).join(''))
    expect(done.seq).toBe(deltas.length)
    expect(done.content).toContain('**12 * (3+4) = 84**')

    const updates = client.all('task.updated').map(p => p.task)
    expect(updates.length).toBeGreaterThanOrEqual(3)
    const statuses = updates.map(t => t.status).filter((s, i, all) => s !== all[i - 1])
    expect(statuses).toEqual(['pending', 'running', 'completed'])
    const last = updates.at(-1)!
    expect(last).toMatchObject({ topicId: topic.id, messageId: assistant.id, kind: 'calc', status: 'completed', progress: 1 })
    expect(last.result?.value).toBe('84')
    expect(new Set(updates.map(t => t.id)).size).toBe(1)
    // The task finished before the reply used its result.
    expect(indexOf(frames, f => f.type === 'task.updated' && f.payload.task.status === 'completed')).toBeLessThan(at.completed)

    const stored = await history(client, topic.id)
    expect(stored.messages.map(m => [m.id, m.status, m.content])).toEqual([[user.id, 'complete', text], [assistant.id, 'complete', done.content]])
    expect(stored.tasks.map(t => [t.id, t.status])).toEqual([[last.id, 'completed']])
    await client.close()
  })

  it('with an existing topicId appends to that topic; an unknown agent is agent_unavailable', async () => {
    const { client } = await guest(server.url)
    const first = await chat(client, 'hello')
    const second = await chat(client, 'what is 6 * 7?', { topicId: first.topicId })
    expect(second.topicId).toBe(first.topicId)
    expect(second.message.content).toContain('42')
    expect(client.all('topic.created')).toHaveLength(1)

    const error = await requestError(client, id => client.send('message.send', { topicId: first.topicId, agentId: 'no-such-agent', text: 'hi', clientMessageId: clientId() }, id))
    expect(error.code).toBe('agent_unavailable')
    const nullTopic = await requestError(client, id => client.send('message.send', { topicId: null, agentId: 'no-such-agent', text: 'hi', clientMessageId: clientId() }, id))
    expect(nullTopic.code).toBe('agent_unavailable')
    expect(client.all('topic.created')).toHaveLength(1)
    expect((await history(client, first.topicId)).messages).toHaveLength(4)
    await client.close()
  })
})

describe('client frames', () => {
  it('ping → pong', async () => {
    const { client } = await guest(server.url)
    client.send('ping', {})
    await client.nextOf('pong')
    client.send('ping', {}, 'req-1')
    await client.nextOf('pong')
    await client.close()
  })

  it('topic.open pages the history, oldest first, with hasMore', async () => {
    const { client } = await guest(server.url)
    const texts = ['hello', 'what is 1+1?', 'what is 2+2?', 'what is 3+3?', 'thanks']
    const { topicId } = await chat(client, texts[0]!)
    for (const text of texts.slice(1)) await chat(client, text, { topicId })

    const full = await history(client, topicId)
    expect(full.hasMore).toBe(false)
    expect(full.messages).toHaveLength(10)
    expect(full.messages.map(m => m.role)).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 ? 'assistant' : 'user')))
    expect(full.messages.filter(m => m.role === 'user').map(m => m.content)).toEqual(texts)
    expect(full.messages.every(m => m.status === 'complete')).toBe(true)
    expect(full.tasks.map(t => t.status)).toEqual(['completed', 'completed', 'completed'])
    const ids = full.messages.map(m => m.id)

    const newest = await history(client, topicId, { limit: 4 })
    expect(newest.messages.map(m => m.id)).toEqual(ids.slice(6))
    expect(newest.hasMore).toBe(true)
    const older = await history(client, topicId, { limit: 4, before: newest.messages[0]!.id })
    expect(older.messages.map(m => m.id)).toEqual(ids.slice(2, 6))
    expect(older.hasMore).toBe(true)
    const oldest = await history(client, topicId, { limit: 4, before: older.messages[0]!.id })
    expect(oldest.messages.map(m => m.id)).toEqual(ids.slice(0, 2))
    expect(oldest.hasMore).toBe(false)
    const exact = await history(client, topicId, { limit: 2, before: ids[2] })
    expect(exact.messages.map(m => m.id)).toEqual(ids.slice(0, 2))
    expect(exact.hasMore).toBe(false)

    const badAnchor = await requestError(client, id => client.send('topic.open', { topicId, before: 'msg_unknown' }, id))
    expect(badAnchor.code).toBe('not_found')
    const badLimit = await requestError(client, id => client.send('topic.open', { topicId, limit: 201 }, id))
    expect(badLimit.code).toBe('bad_request')
    await client.close()
  })

  it('topic.update changes the title and the agent; an unknown agent is agent_unavailable', async () => {
    const { client, cookie } = await guest(server.url)
    const { topicId } = await chat(client, 'hello')

    client.send('topic.update', { topicId, title: 'Renamed topic' })
    // (The agent may also retitle a topic after its first exchange: other topic.updated frames are fine.)
    const renamed = await client.nextOf('topic.updated', p => p.topic.id === topicId && p.topic.title === 'Renamed topic')
    expect(renamed.topic).toMatchObject({ id: topicId, title: 'Renamed topic', agentId: 'assistant' })

    client.send('topic.update', { topicId, agentId: 'code-runner' })
    const switched = await client.nextOf('topic.updated', p => p.topic.id === topicId && p.topic.agentId === 'code-runner')
    expect(switched.topic).toMatchObject({ title: 'Renamed topic', agentId: 'code-runner' })

    const error = await requestError(client, id => client.send('topic.update', { topicId, agentId: 'no-such-agent' }, id))
    expect(error.code).toBe('agent_unavailable')
    const empty = await requestError(client, id => client.sendRaw(JSON.stringify({ type: 'topic.update', payload: { topicId }, id })))
    expect(empty.code).toBe('bad_request')

    // Stored: a new socket lists the topic as it was last updated, and the next reply comes from the new agent.
    const other = await connect(server.url, cookie)
    const ready = await other.nextOf('session.ready')
    expect(ready.topics).toEqual([expect.objectContaining({ id: topicId, title: 'Renamed topic', agentId: 'code-runner' })])
    const { assistant } = await send(other, 'no code here', { topicId, agentId: 'code-runner' })
    expect(assistant.agentId).toBe('code-runner')
    const { message } = await finished(other, assistant.id)
    expect(message.content).toContain('Send me JavaScript')
    await other.close()
    await client.close()
  })

  it('topic.delete removes the topic; opening it afterwards is not_found', async () => {
    const { client, cookie } = await guest(server.url)
    const kept = await chat(client, 'hello')
    const doomed = await chat(client, 'what is 5*5?')

    client.send('topic.delete', { topicId: doomed.topicId })
    expect(await client.nextOf('topic.deleted')).toEqual({ topicId: doomed.topicId })
    const error = await requestError(client, id => client.send('topic.open', { topicId: doomed.topicId }, id))
    expect(error.code).toBe('not_found')
    const again = await requestError(client, id => client.send('topic.delete', { topicId: doomed.topicId }, id))
    expect(again.code).toBe('not_found')

    const other = await connect(server.url, cookie)
    const ready = await other.nextOf('session.ready')
    expect(ready.topics.map(t => t.id)).toEqual([kept.topicId])
    expect((await history(other, kept.topicId)).messages).toHaveLength(2)
    await other.close()
    await client.close()
  })

  it('message.regenerate deletes the old answer and streams a new one', async () => {
    const { client } = await guest(server.url)
    const first = await chat(client, 'what is 9 * 9?')
    expect(first.message.content).toContain('81')

    const notAssistant = await requestError(client, id => client.send('message.regenerate', { topicId: first.topicId, messageId: first.user.id }, id))
    expect(notAssistant.code).toBe('bad_request')

    client.send('message.regenerate', { topicId: first.topicId, messageId: first.assistant.id })
    expect(await client.nextOf('message.deleted')).toEqual({ topicId: first.topicId, messageIds: [first.assistant.id] })
    const { message: fresh } = await client.nextOf('message.created', p => p.message.role === 'assistant' && p.message.id !== first.assistant.id)
    expect(fresh.status).toBe('streaming')
    const { message, deltas } = await finished(client, fresh.id)
    expect(deltas.map(d => d.seq)).toEqual(deltas.map((_, i) => i + 1))
    expect(message.content).toBe(deltas.map(d => d.text).join(''))
    expect(message.content).toContain('**9 * 9 = 81**')

    const stored = await history(client, first.topicId)
    expect(stored.messages.map(m => m.id)).toEqual([first.user.id, fresh.id])
    expect(stored.messages[1]!.content).toBe(message.content)
    await client.close()
  })

  it('message.edit replaces the user message, drops what followed and answers again', async () => {
    const { client } = await guest(server.url)
    const one = await chat(client, 'what is 2 * 3?')
    const two = await chat(client, 'what is 4 * 5?', { topicId: one.topicId })

    const notUser = await requestError(client, id => client.send('message.edit', { topicId: one.topicId, messageId: one.assistant.id, text: 'x' }, id))
    expect(notUser.code).toBe('bad_request')

    client.send('message.edit', { topicId: one.topicId, messageId: one.user.id, text: 'what is 6 * 7?' })
    const deleted = await client.nextOf('message.deleted')
    expect(deleted).toEqual({ topicId: one.topicId, messageIds: [one.user.id, one.assistant.id, two.user.id, two.assistant.id] })
    const { message: edited } = await client.nextOf('message.created', p => p.message.role === 'user')
    expect(edited).toMatchObject({ topicId: one.topicId, content: 'what is 6 * 7?', status: 'complete' })
    expect(edited.id).not.toBe(one.user.id)
    const { message: reply } = await client.nextOf('message.created', p => p.message.role === 'assistant')
    const { message } = await finished(client, reply.id)
    expect(message.content).toContain('**6 * 7 = 42**')

    const stored = await history(client, one.topicId)
    expect(stored.messages.map(m => [m.id, m.content])).toEqual([[edited.id, 'what is 6 * 7?'], [reply.id, message.content]])
    await client.close()
  })

  it('message.delete removes one message and leaves the others', async () => {
    const { client } = await guest(server.url)
    const one = await chat(client, 'hello')
    const two = await chat(client, 'thanks', { topicId: one.topicId })

    client.send('message.delete', { topicId: one.topicId, messageId: one.assistant.id })
    expect(await client.nextOf('message.deleted')).toEqual({ topicId: one.topicId, messageIds: [one.assistant.id] })
    const stored = await history(client, one.topicId)
    expect(stored.messages.map(m => m.id)).toEqual([one.user.id, two.user.id, two.assistant.id])

    const gone = await requestError(client, id => client.send('message.delete', { topicId: one.topicId, messageId: one.assistant.id }, id))
    expect(gone.code).toBe('not_found')
    const stop = await requestError(client, id => client.send('message.stop', { topicId: one.topicId, messageId: two.assistant.id }, id))
    expect(stop.code).toBe('bad_request')
    await client.close()
  })
})

describe('several sockets of one user', () => {
  it('events reach every socket of the user, and no socket of another user', async () => {
    const { client: a, cookie } = await guest(server.url)
    const b = await connect(server.url, cookie)
    await b.nextOf('session.ready')
    const { client: stranger } = await guest(server.url)

    const { topicId, assistant, message } = await chat(a, 'what is 11 * 11?')
    expect(message.content).toContain('121')
    const { message: seenByB } = await finished(b, assistant.id)
    expect(seenByB).toEqual(message)

    expect(b.all('topic.created').map(p => p.topic.id)).toEqual([topicId])
    expect(b.all('message.created').map(p => p.message.id)).toEqual(a.all('message.created').map(p => p.message.id))
    expect(b.all('message.delta')).toEqual(a.all('message.delta'))
    expect(b.all('task.updated')).toEqual(a.all('task.updated'))
    expect(b.all('task.updated').at(-1)!.task.status).toBe('completed')

    // An action from the second socket reaches the first.
    b.send('topic.update', { topicId, title: 'From tab B' })
    const fromB = await a.nextOf('topic.updated', p => p.topic.title === 'From tab B')
    expect(fromB.topic.id).toBe(topicId)

    stranger.send('ping', {})
    await stranger.nextOf('pong')
    expect(stranger.frames.map(f => f.type)).toEqual(['session.ready', 'pong'])
    await Promise.all([a.close(), b.close(), stranger.close()])
  })
})
