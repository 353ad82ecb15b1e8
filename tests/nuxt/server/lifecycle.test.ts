// Server restarts on the same DATA_DIR (clean stop and crash mid-reply) and DESIGN.md "Cleanup".
// Each test starts its own servers, since each needs its own environment or its own data dir.
import { afterEach, describe, expect, it } from 'vitest'
import { api, chat, connect, getCookie, guest, send, sleep, startServer, upgradeStatus, waitFor, type TestServer } from './helpers'

const servers: TestServer[] = []

async function start(...args: Parameters<typeof startServer>) {
  const server = await startServer(...args)
  servers.push(server)
  return server
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(server => server.stop()))
})

describe('restart with the same DATA_DIR', () => {
  it('keeps completed topics, messages, tasks and the session cookie', async () => {
    const first = await start({ env: { BUILTIN_WORD_DELAY_MS: '2' } })
    const { client, cookie, ready } = await guest(first.url)
    const one = await chat(client, 'what is 12 * (3+4)?')
    await chat(client, 'thanks', { topicId: one.topicId })
    client.send('topic.update', { topicId: one.topicId, title: 'Kept across restarts' })
    await client.nextOf('topic.updated', p => p.topic.title === 'Kept across restarts')
    client.send('topic.open', { topicId: one.topicId })
    const before = await client.nextOf('topic.history')
    expect(before.messages).toHaveLength(4)
    await client.close()
    await first.stop()

    const second = await start({ dataDir: first.dataDir, env: { BUILTIN_WORD_DELAY_MS: '2' } })
    // The cookie from before the restart still opens a socket, as the same user.
    const again = await connect(second.url, cookie)
    const readyAgain = await again.nextOf('session.ready')
    expect(readyAgain.user).toEqual(ready.user)
    expect(readyAgain.topics).toEqual([expect.objectContaining({ id: one.topicId, title: 'Kept across restarts' })])
    again.send('topic.open', { topicId: one.topicId })
    const after = await again.nextOf('topic.history')
    expect(after).toEqual(before)
    expect(after.tasks.map(t => [t.kind, t.status, t.result?.value])).toEqual([['calc', 'completed', '84']])

    // And the topic goes on.
    const three = await chat(again, 'what is 2 + 2?', { topicId: one.topicId })
    expect(three.message.content).toContain('**2 + 2 = 4**')
    await again.close()
  })

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`a reply streaming when the server stops (${signal}, no drain time) is failed with code interrupted after the restart`, async () => {
      const first = await start({ env: { BUILTIN_WORD_DELAY_MS: '80', SHUTDOWN_DRAIN_SECONDS: '0' } })
      const { client, cookie } = await guest(first.url)
      const { topicId, user, assistant } = await send(client, 'hello')
      await client.nextOf('message.delta', d => d.messageId === assistant.id && d.seq === 3)
      if (signal === 'SIGKILL') await first.kill()
      else await first.stop()
      // A graceful stop tells the socket to reconnect elsewhere; a crash just drops it.
      expect(await client.closed).toBe(signal === 'SIGTERM' ? 1012 : 1006)
      const seen = client.all('message.delta', d => d.messageId === assistant.id).map(d => d.text).join('')

      const second = await start({ dataDir: first.dataDir, env: { BUILTIN_WORD_DELAY_MS: '2' } })
      const again = await connect(second.url, cookie)
      await again.nextOf('session.ready')
      again.send('topic.open', { topicId })
      const history = await again.nextOf('topic.history')
      expect(history.messages.map(m => m.id)).toEqual([user.id, assistant.id])
      expect(history.messages[0]).toMatchObject({ content: 'hello', status: 'complete' })
      const interrupted = history.messages[1]!
      expect(interrupted.status).toBe('failed')
      expect(interrupted.error?.code).toBe('interrupted')
      expect(interrupted.error?.message).toBeTruthy()
      // A graceful stop stores every word written; a crash keeps the last checkpoint (saved every second).
      if (signal === 'SIGTERM') expect(interrupted.content).toBe(seen)
      else expect(seen.startsWith(interrupted.content)).toBe(true)

      // The topic is not stuck: it answers again.
      const next = await chat(again, 'thanks', { topicId })
      expect(next.message.status).toBe('complete')
      await again.close()
    })
  }
})

describe('cleanup of idle guests', () => {
  it('deletes a guest with no open socket after the timeout and keeps one whose socket stays open', async () => {
    // 0.01 min = 0.6 s; the loop sweeps every 300 ms.
    // 3 s: long enough for the guest to connect and chat on a busy machine (0.6 s was not), short
    // enough for several sweeps to pass below.
    const server = await start({ env: { BUILTIN_WORD_DELAY_MS: '2', SESSION_TIMEOUT_MINUTES: '0.05' } })
    // A guest lives 0.6 s between its first page load and its socket: warm SSR up first (its first
    // render takes most of a second) so that the guests below get their sockets in time.
    await getCookie(server.url)
    const idle = await guest(server.url)
    const idleTopic = await chat(idle.client, 'hello')
    const kept = await guest(server.url)
    const keptTopic = await chat(kept.client, 'what is 1 + 2?')
    await idle.client.close()

    // The idle guest goes with its topic: its cookie names no session any more (401). (Polled over
    // HTTP: an upgrade that succeeds would count as activity.)
    await waitFor(async () => {
      const response = await fetch(`${server.url}/api/topics/${idleTopic.topicId}`, { headers: { cookie: idle.cookie } })
      await response.arrayBuffer()
      return response.status === 401
    }, 5_000, 'the idle guest to be removed')
    // Its cookie no longer opens a socket, and a page load hands out a new session.
    expect(await upgradeStatus(server.url, { cookie: idle.cookie })).toBe(401)
    const fresh = await getCookie(server.url, idle.cookie)
    expect(fresh).not.toBe(idle.cookie)
    expect(await upgradeStatus(server.url, { cookie: fresh })).toBe(101)

    // Past several timeouts, the guest whose socket is open still has everything.
    await sleep(1_500)
    expect(kept.client.isOpen()).toBe(true)
    kept.client.send('topic.open', { topicId: keptTopic.topicId })
    const history = await kept.client.nextOf('topic.history')
    expect(history.messages.map(m => m.status)).toEqual(['complete', 'complete'])
    const other = await connect(server.url, kept.cookie)
    expect((await other.nextOf('session.ready')).topics.map(t => t.id)).toEqual([keptTopic.topicId])
    await other.close()
    await kept.client.close()
    expect(server.logs.join('')).toMatch(/\[cleanup\] removed/)
  })

  it('never sweeps an account, however long it is idle', async () => {
    // 3 s: long enough for the guest to connect and chat on a busy machine (0.6 s was not), short
    // enough for several sweeps to pass below.
    const server = await start({ env: { BUILTIN_WORD_DELAY_MS: '2', SESSION_TIMEOUT_MINUTES: '0.05' } })
    const visitor = await guest(server.url)
    const { topicId } = await chat(visitor.client, 'what is 3 + 4?')
    const registered = await api(server.url, '/api/auth/register', { cookie: visitor.cookie, body: { email: `idle-${Date.now()}@example.com`, password: 'idle account pass' } })
    expect(registered.status).toBe(201)
    await visitor.client.closed
    // Several timeouts pass with no socket open.
    await sleep(8_000)
    expect(server.logs.join('')).not.toMatch(/\[cleanup\] removed/)
    const page = await api(server.url, `/api/topics/${topicId}`, { cookie: registered.cookie })
    expect(page.status).toBe(200)
  })
})
