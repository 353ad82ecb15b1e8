// Issue 11, versions: edit and regenerate keep the earlier versions as branches, message.select
// switches between them, and the agent reads the chosen branch only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backends } from './backends'
import { chat, connect, finished, guest, startServer, type Client, type TestServer } from './helpers'

const RECALL = 'what did I say?'

describe.each(backends())('versions on $name', (backend) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer({ env: await backend.setup() })
  })

  afterAll(async () => {
    await server?.stop()
    await backend.teardown()
  })

  async function open(client: Client, topicId: string) {
    client.send('topic.open', { topicId })
    return client.nextOf('topic.history', p => p.topicId === topicId && !p.reset)
  }

  it('an edit keeps the old message as a version, a select switches back, and the agent reads the chosen branch', async () => {
    const { client, cookie } = await guest(server.url)
    const first = await chat(client, 'apples are red')
    const topicId = first.topicId
    const second = await chat(client, 'bananas are yellow', { topicId })

    client.send('message.edit', { topicId, messageId: second.user.id, text: 'cherries are dark' })
    const deleted = await client.nextOf('message.deleted', p => p.topicId === topicId)
    expect(deleted.messageIds).toEqual([second.user.id, second.assistant.id])
    const { message: edited } = await client.nextOf('message.created', p => p.message.role === 'user' && p.message.content === 'cherries are dark')
    expect(edited.parentId).toBe(first.assistant.id)
    expect(edited.versions).toEqual([second.user.id, edited.id])
    const { message: reply } = await client.nextOf('message.created', p => p.message.role === 'assistant' && p.message.parentId === edited.id)
    await finished(client, reply.id)

    // The agent sees the edited branch: the old text is not in its input.
    const recallOnEdited = await chat(client, RECALL, { topicId })
    expect(recallOnEdited.message.content).toContain('cherries are dark')
    expect(recallOnEdited.message.content).not.toContain('bananas')

    let history = await open(client, topicId)
    expect(history.messages.map(m => m.id)).toEqual([first.user.id, first.assistant.id, edited.id, reply.id, recallOnEdited.user.id, recallOnEdited.assistant.id])
    expect(history.messages[2]!.versions).toEqual([second.user.id, edited.id])
    expect(history.messages[0]!.versions).toBeUndefined()

    // Back to the first version: every socket gets the whole branch again, with its old reply.
    const other = await connect(server.url, cookie)
    await other.nextOf('session.ready')
    client.send('message.select', { topicId, messageId: second.user.id })
    const reset = await client.nextOf('topic.history', p => p.topicId === topicId && p.reset === true)
    expect(reset.messages.map(m => m.id)).toEqual([first.user.id, first.assistant.id, second.user.id, second.assistant.id])
    expect(reset.messages[2]!.versions).toEqual([second.user.id, edited.id])
    await other.nextOf('topic.history', p => p.topicId === topicId && p.reset === true)
    await other.close()

    const recallOnOld = await chat(client, RECALL, { topicId })
    expect(recallOnOld.message.content).toContain('bananas are yellow')
    expect(recallOnOld.message.content).not.toContain('cherries')
    expect(recallOnOld.user.parentId).toBe(second.assistant.id)

    // And forward again: the edited version comes back with the branch that was active under it.
    client.send('message.select', { topicId, messageId: edited.id })
    const forward = await client.nextOf('topic.history', p => p.topicId === topicId && p.reset === true)
    expect(forward.messages.map(m => m.id)).toEqual([first.user.id, first.assistant.id, edited.id, reply.id, recallOnEdited.user.id, recallOnEdited.assistant.id])
    history = await open(client, topicId)
    expect(history.messages.map(m => m.id)).toEqual(forward.messages.map(m => m.id))
    await client.close()
  })

  it('a regenerate keeps the old reply as a version', async () => {
    const { client } = await guest(server.url)
    const first = await chat(client, 'hello there')
    client.send('message.regenerate', { topicId: first.topicId, messageId: first.assistant.id })
    const deleted = await client.nextOf('message.deleted', p => p.topicId === first.topicId)
    expect(deleted.messageIds).toEqual([first.assistant.id])
    const { message: again } = await client.nextOf('message.created', p => p.message.role === 'assistant' && p.message.id !== first.assistant.id)
    expect(again.parentId).toBe(first.user.id)
    expect(again.versions).toEqual([first.assistant.id, again.id])
    const end = await finished(client, again.id)
    expect(end.message.versions).toEqual([first.assistant.id, again.id])

    client.send('message.select', { topicId: first.topicId, messageId: first.assistant.id })
    const reset = await client.nextOf('topic.history', p => p.topicId === first.topicId && p.reset === true)
    expect(reset.messages.map(m => m.id)).toEqual([first.user.id, first.assistant.id])
    expect(reset.messages[1]!.content).toBe(first.message.content)
    expect(reset.messages[1]!.versions).toEqual([first.assistant.id, again.id])
    await client.close()
  })

  it('an edit of the first message makes a second first version, and the topic starts again from it', async () => {
    const { client } = await guest(server.url)
    const first = await chat(client, 'first words')
    client.send('message.edit', { topicId: first.topicId, messageId: first.user.id, text: 'other first words' })
    const { message: edited } = await client.nextOf('message.created', p => p.message.content === 'other first words')
    expect(edited.parentId).toBeUndefined()
    expect(edited.versions).toEqual([first.user.id, edited.id])
    const { message: reply } = await client.nextOf('message.created', p => p.message.role === 'assistant' && p.message.parentId === edited.id)
    await finished(client, reply.id)
    const recall = await chat(client, 'what did I say?', { topicId: first.topicId })
    expect(recall.message.content).toContain('other first words')
    expect(recall.message.content).not.toContain('1. first words')
    await client.close()
  })

  it('a select of another user\'s message or an unknown one is not found', async () => {
    const alice = await guest(server.url)
    const bob = await guest(server.url)
    const exchange = await chat(alice.client, 'mine')
    bob.client.send('message.select', { topicId: exchange.topicId, messageId: exchange.user.id }, 'r1')
    expect(await bob.client.nextOf('error', p => p.requestId === 'r1')).toMatchObject({ code: 'not_found' })
    alice.client.send('message.select', { topicId: exchange.topicId, messageId: 'msg_nope' }, 'r2')
    expect(await alice.client.nextOf('error', p => p.requestId === 'r2')).toMatchObject({ code: 'not_found' })
    await Promise.all([alice.client.close(), bob.client.close()])
  })
})
