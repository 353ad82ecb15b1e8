// Issue 11, export and import: a topic as JSON or Markdown, all topics as JSON, and an import of
// that JSON that is validated, limited, all or nothing, and announced to every socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TopicsExport } from '../../../shared/protocol'
import { backends } from './backends'
import { api, chat, connect, guest, startServer, type TestServer } from './helpers'

describe.each(backends())('export and import on $name', (backend) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer({ env: { ...(await backend.setup()), IMPORT_MAX_BYTES: '200000', TOPICS_PER_USER: '4' } })
  })

  afterAll(async () => {
    await server?.stop()
    await backend.teardown()
  })

  async function download(path: string, cookie: string) {
    const response = await fetch(`${server.url}${path}`, { headers: { cookie } })
    return { status: response.status, disposition: response.headers.get('content-disposition'), type: response.headers.get('content-type'), text: await response.text() }
  }

  it('exports topics (active branch only) and imports them back identical, announced to every socket', async () => {
    const source = await guest(server.url)
    const first = await chat(source.client, 'what is 6 * 7?')
    const second = await chat(source.client, 'and now a *markdown* line', { topicId: first.topicId })
    // An older version stays out of the export: only the chosen branch goes.
    source.client.send('message.edit', { topicId: first.topicId, messageId: second.user.id, text: 'the edited line' })
    await source.client.nextOf('message.completed', p => p.message.id !== second.assistant.id && p.message.topicId === first.topicId)
    await chat(source.client, 'another topic')

    const one = await download(`/api/topics/${first.topicId}/export?format=json`, source.cookie)
    expect(one.status).toBe(200)
    expect(one.disposition).toMatch(/^attachment; filename="what-is-6-7\.json"/)
    const oneFile = JSON.parse(one.text) as TopicsExport
    expect(oneFile).toMatchObject({ format: 'agent-chat-topics', version: 1 })
    expect(oneFile.topics).toHaveLength(1)
    expect(oneFile.topics[0]!.messages.map(m => m.content.slice(0, 15))).toEqual(['what is 6 * 7?', expect.any(String), 'the edited line', expect.any(String)])

    const markdown = await download(`/api/topics/${first.topicId}/export?format=md`, source.cookie)
    expect(markdown.type).toMatch(/^text\/markdown/)
    expect(markdown.disposition).toMatch(/filename="what-is-6-7\.md"/)
    expect(markdown.text).toMatch(/^# what is 6 \* 7\?\n/i)
    expect(markdown.text).toContain('### You · ')
    expect(markdown.text).toContain('the edited line')
    expect(markdown.text).not.toContain('*markdown*')

    const all = await download('/api/export', source.cookie)
    expect(all.disposition).toMatch(/^attachment; filename="agent-chat-topics-\d{4}-\d{2}-\d{2}\.json"/)
    const file = JSON.parse(all.text) as TopicsExport
    // Titles may have been rewritten by the agent after the first reply (capitalised).
    expect(file.topics.map(t => t.title.toLowerCase())).toEqual(['what is 6 * 7?', 'another topic'])

    // Into another account, with two sockets open.
    const target = await guest(server.url)
    const secondTab = await connect(server.url, target.cookie)
    await secondTab.nextOf('session.ready')
    const imported = await api(server.url, '/api/import', { cookie: target.cookie, body: file })
    expect(imported.status).toBe(201)
    const topics = (imported.body as { topics: { id: string, title: string }[] }).topics
    expect(topics.map(t => t.title).sort()).toEqual(file.topics.map(t => t.title).sort())
    for (const topic of topics) {
      await target.client.nextOf('topic.created', p => p.topic.id === topic.id)
      await secondTab.nextOf('topic.created', p => p.topic.id === topic.id)
    }
    await secondTab.close()

    const again = JSON.parse((await download('/api/export', target.cookie)).text) as TopicsExport
    expect(again.topics).toEqual(file.topics)

    // The imported conversation is a conversation: the agent reads it.
    const topicId = topics.find(t => t.title === file.topics[0]!.title)!.id
    const recall = await chat(target.client, 'what did I say?', { topicId })
    expect(recall.message.content).toContain('the edited line')
    await Promise.all([source.client.close(), target.client.close()])
  })

  it('refuses a bad file with the field named, and stores nothing of it', async () => {
    const { client, cookie } = await guest(server.url)
    const good = (title: string) => ({ title, agentId: 'assistant', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', messages: [{ role: 'user', content: 'hi', status: 'complete', createdAt: '2026-01-01T00:00:00.000Z' }] })
    const file = { format: 'agent-chat-topics', version: 1, exportedAt: '2026-01-01T00:00:00.000Z', topics: [good('fine one'), { ...good('broken'), messages: [{ role: 'robot', content: 'x', status: 'complete', createdAt: '2026-01-01T00:00:00.000Z' }] }] }
    const bad = await api(server.url, '/api/import', { cookie, body: file })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ code: 'bad_request', message: expect.stringContaining('topics.1.messages.0.role') })

    for (const body of ['{"not": "json"', JSON.stringify({ format: 'agent-chat-export', version: 1 }), JSON.stringify([1, 2])]) {
      const response = await api(server.url, '/api/import', { cookie, body })
      expect(response.status, body).toBe(400)
      expect(response.body).toMatchObject({ code: 'bad_request' })
    }
    const tooBig = await api(server.url, '/api/import', { cookie, body: { ...file, topics: [{ ...good('big'), messages: [{ role: 'user', content: 'x'.repeat(200_001), status: 'complete', createdAt: '2026-01-01T00:00:00.000Z' }] }] } })
    expect(tooBig.status).toBe(413)
    expect(tooBig.body).toMatchObject({ code: 'too_large' })
    const tooMany = await api(server.url, '/api/import', { cookie, body: { ...file, topics: ['a', 'b', 'c', 'd', 'e'].map(good) } })
    expect(tooMany.status).toBe(429)
    expect(tooMany.body).toMatchObject({ code: 'rate_limited' })

    const exported = JSON.parse((await download('/api/export', cookie)).text) as TopicsExport
    expect(exported.topics).toEqual([])
    expect(client.all('topic.created')).toEqual([])
    await client.close()
  })

  it('exports only the session\'s own topics and refuses an unknown format', async () => {
    const alice = await guest(server.url)
    const bob = await guest(server.url)
    const exchange = await chat(alice.client, 'private')
    expect((await download(`/api/topics/${exchange.topicId}/export`, bob.cookie)).status).toBe(404)
    const wrong = await download(`/api/topics/${exchange.topicId}/export?format=pdf`, alice.cookie)
    expect(wrong.status).toBe(400)
    expect(JSON.parse(wrong.text)).toMatchObject({ code: 'bad_request', message: expect.stringContaining('format') })
    await Promise.all([alice.client.close(), bob.client.close()])
  })
})
