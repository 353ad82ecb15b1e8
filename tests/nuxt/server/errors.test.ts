// DESIGN.md "Socket protocol" and "Identity": bad frames get an error and leave the socket open and the
// data intact; a frame over 64 KiB closes with 1009; another user's ids behave as not found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chat, clientId, connect, guest, sleep, startServer, waitFor, type Client, type TestServer } from './helpers'

let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { BUILTIN_WORD_DELAY_MS: '2' } })
})

afterAll(async () => {
  await server?.stop()
})

async function history(client: Client, topicId: string) {
  client.send('topic.open', { topicId })
  return client.nextOf('topic.history', p => p.topicId === topicId)
}

async function stillAlive(client: Client) {
  client.send('ping', {})
  await client.nextOf('pong', undefined, 2_000)
  expect(client.isOpen()).toBe(true)
}

describe('bad input', () => {
  it('each bad frame gets an error with the right code and requestId; the socket stays open and data stays intact', async () => {
    const { client } = await guest(server.url)
    const { topicId } = await chat(client, 'what is 3 * 3?')
    const before = await history(client, topicId)

    const cases: { name: string, raw: string, code: string, requestId?: string }[] = [
      { name: 'invalid JSON', raw: '{"type": "ping", "payload": {', code: 'bad_request' },
      { name: 'not an object', raw: '"ping"', code: 'bad_request' },
      { name: 'unknown type', raw: JSON.stringify({ type: 'topic.explode', payload: {}, id: 'r-unknown' }), code: 'bad_request', requestId: 'r-unknown' },
      { name: 'no type', raw: JSON.stringify({ payload: {}, id: 'r-notype' }), code: 'bad_request', requestId: 'r-notype' },
      { name: 'payload a string', raw: JSON.stringify({ type: 'ping', payload: 'x', id: 'r-str' }), code: 'bad_request', requestId: 'r-str' },
      { name: 'payload an array', raw: JSON.stringify({ type: 'ping', payload: [], id: 'r-arr' }), code: 'bad_request', requestId: 'r-arr' },
      { name: 'payload missing', raw: JSON.stringify({ type: 'ping', id: 'r-nopayload' }), code: 'bad_request', requestId: 'r-nopayload' },
      { name: 'missing fields', raw: JSON.stringify({ type: 'message.send', payload: { topicId }, id: 'r-missing' }), code: 'bad_request', requestId: 'r-missing' },
      { name: 'wrong field type', raw: JSON.stringify({ type: 'topic.open', payload: { topicId: 42 }, id: 'r-wrongtype' }), code: 'bad_request', requestId: 'r-wrongtype' },
      { name: 'blank text', raw: JSON.stringify({ type: 'message.send', payload: { topicId, agentId: 'assistant', text: '   ', clientMessageId: 'c1' }, id: 'r-blank' }), code: 'bad_request', requestId: 'r-blank' },
      { name: 'text over 32000 chars', raw: JSON.stringify({ type: 'message.send', payload: { topicId, agentId: 'assistant', text: 'a'.repeat(32_001), clientMessageId: 'c2' }, id: 'r-long' }), code: 'bad_request', requestId: 'r-long' },
      { name: 'new topic with text over 32000 chars', raw: JSON.stringify({ type: 'message.send', payload: { topicId: null, agentId: 'assistant', text: 'b'.repeat(32_001), clientMessageId: 'c3' } }), code: 'bad_request' },
      { name: 'unknown topic', raw: JSON.stringify({ type: 'topic.open', payload: { topicId: 'tp_nope' }, id: 'r-nf' }), code: 'not_found', requestId: 'r-nf' },
      { name: 'unknown task', raw: JSON.stringify({ type: 'task.cancel', payload: { taskId: 'tsk_nope' }, id: 'r-task' }), code: 'not_found', requestId: 'r-task' },
    ]
    for (const item of cases) {
      const errorsBefore = client.all('error').length
      client.sendRaw(item.raw)
      const error = await client.nextOf('error')
      expect(client.all('error').length, item.name).toBe(errorsBefore + 1)
      expect(error.code, item.name).toBe(item.code)
      expect(error.message, item.name).toBeTruthy()
      expect(error.requestId, item.name).toBe(item.requestId)
      await stillAlive(client)
    }

    // A message of exactly 32000 characters is fine.
    client.send('message.send', { topicId, agentId: 'assistant', text: `thanks ${'c'.repeat(32_000 - 7)}`, clientMessageId: 'c-max' })
    const { message: max } = await client.nextOf('message.created', p => p.message.clientMessageId === 'c-max')
    expect(max.content).toHaveLength(32_000)
    const { message: reply } = await client.nextOf('message.created', p => p.message.role === 'assistant' && p.message.topicId === topicId)
    await client.nextOf('message.completed', p => p.message.id === reply.id)

    const after = await history(client, topicId)
    expect(after.messages.slice(0, 2)).toEqual(before.messages)
    expect(after.messages).toHaveLength(4)
    expect(client.all('topic.created')).toHaveLength(1)
    expect(client.invalid).toEqual([])
    await client.close()
  })

  it('a frame over 64 KiB closes the socket with 1009, and the data is intact', async () => {
    const { client, cookie } = await guest(server.url)
    const { topicId } = await chat(client, 'what is 8 * 8?')
    const before = await history(client, topicId)

    client.sendRaw(JSON.stringify({ type: 'message.send', payload: { topicId, agentId: 'assistant', text: 'x'.repeat(66 * 1024), clientMessageId: clientId() } }))
    expect(await client.closed).toBe(1009)
    expect(client.all('message.created', p => p.message.content.startsWith('xxx'))).toEqual([])

    const other = await connect(server.url, cookie)
    await other.nextOf('session.ready')
    expect(await history(other, topicId)).toEqual(before)
    await other.close()
  })

  it('a flood of frames gets rate_limited errors, and the socket stays open', async () => {
    const { client } = await guest(server.url)
    for (let i = 0; i < 200; i++) client.send('ping', {})
    await client.nextOf('error', p => p.code === 'rate_limited')
    // Every frame got an answer: a pong or a rate_limited error.
    const answered = () => client.all('pong').length + client.all('error', p => p.code === 'rate_limited').length
    await waitFor(() => answered() === 200, 5_000, 'an answer to every ping')
    expect(client.all('pong').length).toBeGreaterThan(0)
    expect(client.all('error', p => p.code !== 'rate_limited')).toEqual([])
    await sleep(1_000)
    await stillAlive(client)
    await client.close()
  })

  it('a frame of just under 64 KiB is read, not refused', async () => {
    const { client } = await guest(server.url)
    client.sendRaw(JSON.stringify({ type: 'ping', payload: { pad: 'p'.repeat(60 * 1024) } }))
    await client.nextOf('pong')
    await stillAlive(client)
    await client.close()
  })
})

describe('another user\'s data', () => {
  it('every operation on another user\'s topic, message or task is not_found and changes nothing', async () => {
    const { client: owner, cookie: ownerCookie } = await guest(server.url)
    const first = await chat(owner, 'what is 7 * 6?')
    const { topicId } = first
    const taskId = owner.all('task.updated').at(-1)!.task.id
    // A title set by the owner is final (no automatic retitle follows), so the owner's socket goes quiet.
    owner.send('topic.update', { topicId, title: 'Owner title' })
    await owner.nextOf('topic.updated', p => p.topic.title === 'Owner title')
    await sleep(200)
    const before = await history(owner, topicId)
    const framesBefore = owner.frames.length

    const { client: stranger } = await guest(server.url)
    const attempts: [string, (id: string) => void][] = [
      ['topic.open', id => stranger.send('topic.open', { topicId }, id)],
      ['topic.open before', id => stranger.send('topic.open', { topicId, before: first.assistant.id }, id)],
      ['topic.update', id => stranger.send('topic.update', { topicId, title: 'pwned' }, id)],
      ['topic.delete', id => stranger.send('topic.delete', { topicId }, id)],
      ['message.send', id => stranger.send('message.send', { topicId, agentId: 'assistant', text: 'hi', clientMessageId: clientId() }, id)],
      ['message.stop', id => stranger.send('message.stop', { topicId, messageId: first.assistant.id }, id)],
      ['message.regenerate', id => stranger.send('message.regenerate', { topicId, messageId: first.assistant.id }, id)],
      ['message.edit', id => stranger.send('message.edit', { topicId, messageId: first.user.id, text: 'pwned' }, id)],
      ['message.delete', id => stranger.send('message.delete', { topicId, messageId: first.user.id }, id)],
      ['task.cancel', id => stranger.send('task.cancel', { taskId }, id)],
    ]
    for (const [name, attempt] of attempts) {
      const requestId = clientId()
      attempt(requestId)
      const error = await stranger.nextOf('error', p => p.requestId === requestId)
      expect(error.code, name).toBe('not_found')
    }
    await stillAlive(stranger)
    expect(stranger.frames.filter(f => !['session.ready', 'error', 'pong'].includes(f.type))).toEqual([])

    // The owner saw nothing happen and their data is unchanged.
    expect(owner.frames.slice(framesBefore)).toEqual([])
    expect(await history(owner, topicId)).toEqual(before)
    const again = await connect(server.url, ownerCookie)
    const ready = await again.nextOf('session.ready')
    expect(ready.topics).toEqual([expect.objectContaining({ id: topicId, title: 'Owner title' })])
    await Promise.all([again.close(), owner.close(), stranger.close()])
  })
})
