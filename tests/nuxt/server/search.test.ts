// Issue 11, search and long topics: GET /api/search finds words said inside a conversation (stems
// and exact words), answers plain-text snippets with the match ranges, never another user's data,
// nothing deleted or off the active branch; topic.open around/after page a topic from a result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SearchResponse, TopicsExport } from '../../../shared/protocol'
import { backends } from './backends'
import { api, chat, guest, startServer, type TestServer } from './helpers'

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()

/** A topic of `count` messages; message 70 holds the only "zebras", message 3 "<b>bold</b>". */
function longTopic(count: number): TopicsExport {
  const messages = Array.from({ length: count }, (_, i) => ({
    role: i % 2 ? 'assistant' as const : 'user' as const,
    content: i === 70
      ? `${'Filler words come first here. '.repeat(12)}Then the striped zebras galloped over the plain. ${'More words after it. '.repeat(12)}`
      : i === 3 ? 'Plain <b>bold</b> xylophone text' : `Message number ${i} about nothing special`,
    status: 'complete' as const,
    createdAt: at(i),
  }))
  return { format: 'agent-chat-topics', version: 1, exportedAt: at(0), topics: [{ title: 'Savanna notes', agentId: 'assistant', createdAt: at(0), updatedAt: at(count), messages }] }
}

describe.each(backends())('search on $name', (backend) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer({ env: await backend.setup() })
  })

  afterAll(async () => {
    await server?.stop()
    await backend.teardown()
  })

  async function search(cookie: string, q: string, extra = ''): Promise<{ status: number, body: SearchResponse }> {
    const response = await api(server.url, `/api/search?q=${encodeURIComponent(q)}${extra}`, { cookie })
    return response as { status: number, body: SearchResponse }
  }

  it('finds a word said only inside a message, by its stem, with a plain-text snippet; another user finds nothing', async () => {
    const alice = await guest(server.url)
    const imported = await api(server.url, '/api/import', { cookie: alice.cookie, body: longTopic(120) })
    expect(imported.status).toBe(201)
    const topicId = (imported.body as { topics: { id: string }[] }).topics[0]!.id

    const found = await search(alice.cookie, 'zebra')
    expect(found.status).toBe(200)
    expect(found.body.results).toHaveLength(1)
    const [result] = found.body.results
    expect(result).toMatchObject({ topicId, topicTitle: 'Savanna notes', role: 'user' })
    expect(result!.messageId).toMatch(/^msg_/)
    expect(result!.snippet.length).toBeLessThanOrEqual(200)
    expect(result!.matches).toHaveLength(1)
    const [start, end] = result!.matches[0]!
    expect(result!.snippet.slice(start, end)).toBe('zebras')
    expect(result!.snippet).toContain('striped zebras galloped')

    // Exact words too; tags in the text never reach a snippet.
    const exact = await search(alice.cookie, 'xylophone')
    expect(exact.body.results[0]!.snippet).toBe('Plain bold xylophone text')
    expect(exact.body.results[0]!.matches).toEqual([[11, 20]])

    // The title is a result of its own.
    const title = await search(alice.cookie, 'savanna')
    expect(title.body.results[0]).toMatchObject({ topicId, messageId: null, snippet: 'Savanna notes', matches: [[0, 7]] })

    const bob = await guest(server.url)
    expect((await search(bob.cookie, 'zebras')).body.results).toEqual([])
    expect((await search(bob.cookie, 'savanna')).body.results).toEqual([])

    // Open the topic at the result: 25 before, the target, 25 after; then the next page after it.
    alice.client.send('topic.open', { topicId, around: result!.messageId! })
    const around = await alice.client.nextOf('topic.history', p => p.topicId === topicId)
    expect(around).toMatchObject({ reset: true, hasMore: true, hasNewer: true })
    expect(around.messages).toHaveLength(51)
    expect(around.messages[25]!.id).toBe(result!.messageId)
    expect(around.messages[0]!.content).toBe('Message number 45 about nothing special')
    alice.client.send('topic.open', { topicId, after: around.messages.at(-1)!.id, limit: 40 })
    const after = await alice.client.nextOf('topic.history', p => p.topicId === topicId && !p.reset)
    expect(after.messages.map(m => m.content)).toEqual(Array.from({ length: 24 }, (_, k) => `Message number ${96 + k} about nothing special`))
    expect(after.hasNewer).toBe(false)
    alice.client.send('topic.open', { topicId, after: around.messages.at(-1)!.id, limit: 10 })
    expect(await alice.client.nextOf('topic.history', p => p.topicId === topicId && !p.reset)).toMatchObject({ hasNewer: true })
    alice.client.send('topic.open', { topicId, around: 'msg_nope' }, 'bad')
    expect(await alice.client.nextOf('error', p => p.requestId === 'bad')).toMatchObject({ code: 'not_found' })
    await Promise.all([alice.client.close(), bob.client.close()])
  })

  it('leaves out deleted messages and versions off the active branch', async () => {
    const { client, cookie } = await guest(server.url)
    const exchange = await chat(client, 'my walrus question')
    expect((await search(cookie, 'walrus')).body.results.map(r => r.messageId)).toContain(exchange.user.id)
    client.send('message.edit', { topicId: exchange.topicId, messageId: exchange.user.id, text: 'my penguin question' })
    await client.nextOf('message.completed', p => p.message.id !== exchange.assistant.id)
    expect((await search(cookie, 'walrus')).body.results.filter(r => r.messageId)).toEqual([])
    const penguin = (await search(cookie, 'penguin')).body.results.find(r => r.messageId)!
    client.send('message.delete', { topicId: exchange.topicId, messageId: penguin.messageId! })
    await client.nextOf('message.deleted', p => p.messageIds.includes(penguin.messageId!))
    expect((await search(cookie, 'penguin')).body.results.filter(r => r.messageId)).toEqual([])
    await client.close()
  })

  it('answers 400 bad_request for a query that is empty, too long or with a bad limit', async () => {
    const { client, cookie } = await guest(server.url)
    for (const query of ['', '   ', 'x'.repeat(201)]) {
      const response = await search(cookie, query)
      expect(response.status).toBe(400)
      expect(response.body).toMatchObject({ code: 'bad_request', message: expect.stringContaining('q') })
    }
    expect((await search(cookie, 'fine', '&limit=0')).status).toBe(400)
    expect((await search(cookie, 'fine', '&limit=51')).status).toBe(400)
    expect((await search(cookie, 'fine', '&limit=50')).status).toBe(200)
    // Query syntax is words, never an error: quotes, operators, stop words only.
    for (const query of ['"unbalanced', 'a & | !', 'the', 'or -', '::*']) expect((await search(cookie, query)).status).toBe(200)
    await client.close()
  })
})
