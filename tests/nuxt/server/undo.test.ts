// Issue 11, undo: topic.delete and message.delete are soft, topic.restore and message.restore undo
// them within UNDO_SECONDS, later they are not found, and the cleanup sweep purges them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from './backends'
import { chat, guest, sleep, startServer, waitFor, type TestServer } from './helpers'

describe.each(backends())('undo on $name', (backend) => {
  let server: TestServer

  beforeAll(async () => {
    // A sweep every 6 s (half of SESSION_TIMEOUT_MINUTES): connected guests stay, expired deletes go.
    server = await startServer({ env: { ...(await backend.setup()), UNDO_SECONDS: '2', SESSION_TIMEOUT_MINUTES: '0.2' } })
  })

  afterAll(async () => {
    await server?.stop()
    await backend.teardown()
  })

  it('restores a deleted topic within the window, with its messages', async () => {
    const { client } = await guest(server.url)
    const exchange = await chat(client, 'keep this topic')
    client.send('topic.delete', { topicId: exchange.topicId })
    await client.nextOf('topic.deleted', p => p.topicId === exchange.topicId)
    client.send('topic.open', { topicId: exchange.topicId }, 'gone')
    expect(await client.nextOf('error', p => p.requestId === 'gone')).toMatchObject({ code: 'not_found' })

    client.send('topic.restore', { topicId: exchange.topicId })
    const { topic } = await client.nextOf('topic.created', p => p.topic.id === exchange.topicId)
    expect(topic.title).toBe('keep this topic')
    client.send('topic.open', { topicId: exchange.topicId })
    const history = await client.nextOf('topic.history', p => p.topicId === exchange.topicId)
    expect(history.messages.map(m => m.id)).toEqual([exchange.user.id, exchange.assistant.id])
    await client.close()
  })

  it('does not restore after the window, nor another user\'s topic, and the sweep purges it', async () => {
    const alice = await guest(server.url)
    const bob = await guest(server.url)
    const exchange = await chat(alice.client, 'delete me for good')
    alice.client.send('topic.delete', { topicId: exchange.topicId })
    await alice.client.nextOf('topic.deleted')
    bob.client.send('topic.restore', { topicId: exchange.topicId }, 'b1')
    expect(await bob.client.nextOf('error', p => p.requestId === 'b1')).toMatchObject({ code: 'not_found' })

    await sleep(2_300)
    alice.client.send('topic.restore', { topicId: exchange.topicId }, 'late')
    expect(await alice.client.nextOf('error', p => p.requestId === 'late')).toMatchObject({ code: 'not_found' })
    // Created once (by the send), never again.
    expect(alice.client.all('topic.created', p => p.topic.id === exchange.topicId)).toHaveLength(1)
    await waitFor(() => server.logs.join('').match(/\[cleanup\] purged [1-9]\d* deleted topic/), 12_000, 'the purge')
    await Promise.all([alice.client.close(), bob.client.close()])
  })

  it('restores a deleted message in place: every socket gets the history again', async () => {
    const { client } = await guest(server.url)
    const first = await chat(client, 'one')
    const second = await chat(client, 'two', { topicId: first.topicId })
    client.send('message.delete', { topicId: first.topicId, messageId: second.user.id })
    expect(await client.nextOf('message.deleted')).toEqual({ topicId: first.topicId, messageIds: [second.user.id] })
    client.send('topic.open', { topicId: first.topicId })
    const without = await client.nextOf('topic.history', p => !p.reset)
    expect(without.messages.map(m => m.id)).toEqual([first.user.id, first.assistant.id, second.assistant.id])

    client.send('message.restore', { topicId: first.topicId, messageId: second.user.id })
    const reset = await client.nextOf('topic.history', p => p.reset === true)
    expect(reset.messages.map(m => m.id)).toEqual([first.user.id, first.assistant.id, second.user.id, second.assistant.id])

    // A message deleted too long ago stays deleted.
    client.send('message.delete', { topicId: first.topicId, messageId: second.user.id })
    await client.nextOf('message.deleted')
    await sleep(2_300)
    client.send('message.restore', { topicId: first.topicId, messageId: second.user.id }, 'late')
    expect(await client.nextOf('error', p => p.requestId === 'late')).toMatchObject({ code: 'not_found' })
    // Once purged, the conversation below it still follows its parent.
    await waitFor(() => server.logs.join('').match(/\[cleanup\] purged \d+ deleted topic\(s\) and [1-9]\d* deleted message/), 12_000, 'the purge')
    const third = await chat(client, 'what did I say?', { topicId: first.topicId })
    expect(third.message.content).toContain('1. one')
    expect(third.message.content).not.toContain('two')
    client.send('topic.open', { topicId: first.topicId })
    const after = await client.nextOf('topic.history', p => !p.reset)
    expect(after.messages.map(m => m.id)).toEqual([first.user.id, first.assistant.id, second.assistant.id, third.user.id, third.assistant.id])
    await client.close()
  })
})
