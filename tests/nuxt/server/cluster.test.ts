// DESIGN.md "Several instances", against the machine's real Postgres and Redis: two instances of the
// built server started at the same moment on one empty database (each test its own database and
// Redis key prefix). A user with a socket on each sees one reply stream everywhere, a socket that
// opens elsewhere mid-reply resumes exactly, stop and cancel reach the owning instance, a killed
// instance's reply fails as interrupted on the other within 10 s, the cleanup sweeps once per
// cluster, SIGTERM drains, and a restart loses nothing. Skipped without Postgres and Redis unless
// REQUIRE_CLUSTER=1 (CI).
import { randomBytes } from 'node:crypto'
import IORedis from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { admin, adminUrl } from './backends'
import { api, chat, clientId, connect, finished, getCookie, guest, send, sleep, startServer, waitFor, type Client, type TestServer } from './helpers'

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

async function redisAnswers(): Promise<boolean> {
  const redis = new IORedis(redisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 })
  redis.on('error', () => {})
  try {
    await redis.connect()
    return (await redis.ping()) === 'PONG'
  }
  catch {
    return false
  }
  finally {
    redis.disconnect()
  }
}

const reachable = (await admin(async () => true).catch(() => false)) && await redisAnswers()
if (!reachable && process.env.REQUIRE_CLUSTER === '1') throw new Error(`REQUIRE_CLUSTER=1 but Postgres (${adminUrl}) or Redis (${redisUrl}) does not answer`)

interface Cluster {
  env: Record<string, string>
  a: TestServer
  b: TestServer
  prefix: string
  database: string
}

const clusters: Cluster[] = []
const servers: TestServer[] = []

/** A fresh database and key prefix, and two instances started at once on them. */
async function cluster(envA: Record<string, string> = {}, envB: Record<string, string> = {}): Promise<Cluster> {
  const tag = `${process.pid}_${Date.now()}_${randomBytes(3).toString('hex')}`
  const database = `agentchat_cluster_${tag}`
  await admin(client => client.query(`create database ${database}`))
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  const prefix = `test-${tag}:`
  const env = {
    DATABASE_URL: url.toString(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    BUILTIN_WORD_DELAY_MS: '20',
  }
  const [a, b] = await Promise.all([
    startServer({ env: { ...env, INSTANCE_ID: 'a', ...envA } }),
    startServer({ env: { ...env, INSTANCE_ID: 'b', ...envB } }),
  ])
  servers.push(a, b)
  const result = { env, a, b, prefix, database }
  clusters.push(result)
  return result
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(server => server.stop()))
  for (const { database, prefix } of clusters.splice(0)) {
    await admin(client => client.query(`drop database if exists ${database} with (force)`)).catch(() => {})
    const redis = new IORedis(redisUrl)
    const stale = await redis.keys(`${prefix}*`)
    if (stale.length) await redis.del(...stale)
    redis.disconnect()
  }
})

/** The same user on both instances: the cookie from A opens a socket on B too. */
async function userOnBoth(c: Cluster): Promise<{ cookie: string, onA: Client, onB: Client }> {
  const { cookie, client: onA } = await guest(c.a.url)
  const onB = await connect(c.b.url, cookie)
  await onB.nextOf('session.ready')
  return { cookie, onA, onB }
}

function deltasOf(client: Client, messageId: string) {
  return client.all('message.delta', d => d.messageId === messageId)
}

describe.runIf(reachable)('several instances on Postgres and Redis', () => {
  it('start together on an empty database; a reply started on A streams to B gap-free with the same text', async () => {
    const c = await cluster()
    expect(c.a.logs.join('') + c.b.logs.join('')).not.toMatch(/already exists|failed/)
    const { onA, onB } = await userOnBoth(c)
    const { assistant, topicId } = await send(onA, 'hello, what can you do?')
    // B hears of the new topic and the reply as A does.
    await onB.nextOf('topic.created', p => p.topic.id === topicId)
    const endA = await finished(onA, assistant.id, 20_000)
    const endB = await finished(onB, assistant.id, 20_000)
    const seqs = deltasOf(onB, assistant.id).map(d => d.seq)
    expect(seqs.length).toBeGreaterThan(3)
    expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    expect(deltasOf(onB, assistant.id).map(d => d.text).join('')).toBe(endA.message.content)
    expect(endB.message).toEqual(endA.message)
  })

  it('a socket that opens on B in the middle of a reply on A resumes exactly: no text lost, none twice', async () => {
    const c = await cluster({ BUILTIN_WORD_DELAY_MS: '60' })
    const { cookie, client: onA } = await guest(c.a.url)
    const { assistant, topicId } = await send(onA, 'hello, what can you do?')
    await onA.nextOf('message.delta', d => d.messageId === assistant.id && d.seq === 5)
    const onB = await connect(c.b.url, cookie)
    await onB.nextOf('session.ready')
    onB.send('topic.open', { topicId })
    const history = await onB.nextOf('topic.history')
    const streaming = history.messages.find(m => m.id === assistant.id)!
    expect(streaming.status).toBe('streaming')
    expect(streaming.seq).toBeGreaterThanOrEqual(5)
    // The text B got at open is exactly A's text at that seq.
    const aText = deltasOf(onA, assistant.id).filter(d => d.seq <= streaming.seq).map(d => d.text).join('')
    expect(streaming.content).toBe(aText)
    const { message } = await finished(onB, assistant.id, 20_000)
    // Later deltas continue from there (those at or below its seq are dropped by the client).
    const later = deltasOf(onB, assistant.id).filter(d => d.seq > streaming.seq)
    expect(later.map(d => d.seq)).toEqual(later.map((_, i) => streaming.seq + i + 1))
    expect(streaming.content + later.map(d => d.text).join('')).toBe(message.content)
  })

  it('stop from B stops the reply that A writes', async () => {
    const c = await cluster({ BUILTIN_WORD_DELAY_MS: '60' })
    const { onA, onB } = await userOnBoth(c)
    const { assistant, topicId } = await send(onA, 'hello, what can you do?')
    await onB.nextOf('message.delta', d => d.messageId === assistant.id && d.seq === 3)
    onB.send('message.stop', { topicId, messageId: assistant.id })
    const { message } = await finished(onB, assistant.id, 10_000)
    expect(message.status).toBe('stopped')
    const { message: onAEnd } = await finished(onA, assistant.id, 10_000)
    expect(onAEnd).toEqual(message)
    await sleep(500)
    expect(deltasOf(onA, assistant.id).at(-1)!.seq).toBe(message.seq)
  })

  it('versions and undo across instances: an edit on B stops A\'s reply first, a switch and a restore reach both', async () => {
    const c = await cluster({ BUILTIN_WORD_DELAY_MS: '60' })
    const { onA, onB } = await userOnBoth(c)
    const { user, assistant, topicId } = await send(onA, 'hello, what can you do?')
    await onB.nextOf('message.delta', d => d.messageId === assistant.id && d.seq === 3)
    onB.send('message.edit', { topicId, messageId: user.id, text: 'just say hi' })
    // The reply written on A ends (stopped) before the old branch leaves, then the new version comes.
    const { message: stopped } = await finished(onA, assistant.id, 10_000)
    expect(stopped.status).toBe('stopped')
    expect(await onA.nextOf('message.deleted', p => p.topicId === topicId)).toEqual({ topicId, messageIds: [user.id, assistant.id] })
    const { message: edited } = await onA.nextOf('message.created', p => p.message.content === 'just say hi')
    expect(edited.versions).toEqual([user.id, edited.id])
    const { message: reply } = await onA.nextOf('message.created', p => p.message.parentId === edited.id)
    await finished(onB, reply.id, 20_000)

    onA.send('message.select', { topicId, messageId: user.id })
    for (const socket of [onA, onB]) {
      const reset = await socket.nextOf('topic.history', p => p.topicId === topicId && p.reset === true)
      expect(reset.messages.map(m => [m.id, m.status])).toEqual([[user.id, 'complete'], [assistant.id, 'stopped']])
    }

    onB.send('message.delete', { topicId, messageId: assistant.id })
    await onA.nextOf('message.deleted', p => p.messageIds.includes(assistant.id) && p.messageIds.length === 1)
    onA.send('message.restore', { topicId, messageId: assistant.id })
    for (const socket of [onA, onB]) {
      const reset = await socket.nextOf('topic.history', p => p.topicId === topicId && p.reset === true)
      expect(reset.messages.map(m => m.id)).toEqual([user.id, assistant.id])
    }
  })

  it('SIGKILL of A mid-reply: B sees it failed as interrupted within 10 s, with the text so far', async () => {
    const c = await cluster({ BUILTIN_WORD_DELAY_MS: '80' })
    const { onA, onB } = await userOnBoth(c)
    const { assistant } = await send(onA, 'hello, what can you do?')
    await onB.nextOf('message.delta', d => d.messageId === assistant.id && d.seq === 8)
    await c.a.kill()
    const killedAt = Date.now()
    const failed = await onB.nextOf('message.failed', p => p.message.id === assistant.id, 12_000)
    expect(Date.now() - killedAt).toBeLessThan(10_000)
    expect(failed.message.error.code).toBe('interrupted')
    const seen = deltasOf(onB, assistant.id).map(d => d.text).join('')
    // Everything B had seen is kept (the stream held what the checkpoint had not).
    expect(failed.message.content.startsWith(seen)).toBe(true)
    expect(failed.message.content.length).toBeGreaterThan(0)
    // Exactly one instance announced it.
    await sleep(3_000)
    expect(onB.all('message.failed', p => p.message.id === assistant.id)).toHaveLength(1)
  })

  it('a /run on a worker of A is cancelled from B (B runs no workers)', async () => {
    const c = await cluster({}, { APP_ROLE: 'web' })
    const { onA, onB } = await userOnBoth(c)
    const { assistant } = await send(onB, '/run\n```js\nwhile (true) {}\n```')
    const running = await onB.nextOf('task.updated', p => p.task.messageId === assistant.id && p.task.status === 'running', 15_000)
    onB.send('task.cancel', { taskId: running.task.id })
    const cancelled = await onB.nextOf('task.updated', p => p.task.id === running.task.id && p.task.status === 'cancelled', 10_000)
    expect(cancelled.task.status).toBe('cancelled')
    await onA.nextOf('task.updated', p => p.task.id === running.task.id && p.task.status === 'cancelled', 5_000)
    const { message } = await finished(onB, assistant.id, 10_000)
    expect(message.content).toMatch(/cancelled/i)
    expect(c.a.logs.join('')).toMatch(/role all/)
    expect(c.b.logs.join('')).toMatch(/role web/)
  })

  it('a task on a worker that dies ends failed, never left running', async () => {
    const c = await cluster({}, { APP_ROLE: 'web' })
    const { onB } = await userOnBoth(c)
    const { assistant } = await send(onB, '/run\n```js\nwhile (true) {}\n```')
    const running = await onB.nextOf('task.updated', p => p.task.messageId === assistant.id && p.task.status === 'running', 15_000)
    await c.a.kill()
    const ended = await onB.nextOf('task.updated', p => p.task.id === running.task.id && p.task.status === 'failed', 30_000)
    expect(ended.task.error?.code).toBe('interrupted')
  })

  it('the guest cleanup sweeps once per interval for the whole cluster', async () => {
    // 0.01 min: a sweep every 300 ms on the cluster, not on each instance.
    const c = await cluster({ SESSION_TIMEOUT_MINUTES: '0.01' }, { SESSION_TIMEOUT_MINUTES: '0.01' })
    const idle = await Promise.all([getCookie(c.a.url), getCookie(c.b.url), getCookie(c.a.url)])
    const started = Date.now()
    await sleep(3_000)
    const elapsed = Date.now() - started
    const redis = new IORedis(redisUrl)
    const sweeps = Number(await redis.get(`${c.prefix}stats:cleanup-sweeps`))
    redis.disconnect()
    // Both instances try every 300 ms; the lease lets one through per interval.
    expect(sweeps).toBeGreaterThan(3)
    expect(sweeps).toBeLessThanOrEqual(Math.ceil(elapsed / 300) + 3)
    for (const cookie of idle) expect((await api(c.a.url, '/api/auth/me', { cookie })).status).toBe(401)
  })

  it('a connected user stays while its socket is open on the other instance', async () => {
    const c = await cluster({ SESSION_TIMEOUT_MINUTES: '0.01' }, { SESSION_TIMEOUT_MINUTES: '0.01' })
    // A first page render takes most of a second, more than the timeout: warm both up first.
    await Promise.all([getCookie(c.a.url), getCookie(c.b.url)])
    const { cookie, client } = await guest(c.b.url)
    const { topicId } = await chat(client, 'what is 2 + 2?')
    await sleep(2_500)
    expect(client.isOpen()).toBe(true)
    // A (which holds no socket of the user) may well have swept: the user is still there.
    expect((await api(c.a.url, `/api/topics/${topicId}`, { cookie })).status).toBe(200)
  })

  it('SIGTERM: ready turns 503 at once, sockets move on (1012), the running reply finishes within the drain', async () => {
    const c = await cluster({ BUILTIN_WORD_DELAY_MS: '40', SHUTDOWN_DRAIN_SECONDS: '15' })
    const { onA, onB } = await userOnBoth(c)
    const { assistant } = await send(onA, 'hello, what can you do?')
    await onB.nextOf('message.delta', d => d.messageId === assistant.id && d.seq === 3)
    const stopping = c.a.stop()
    await waitFor(async () => (await fetch(`${c.a.url}/api/ready`).then(r => r.status, () => 0)) === 503, 3_000, 'A not ready')
    expect(await onA.closed).toBe(1012)
    // The reply goes on on A during the drain and completes, seen on B.
    const { message } = await finished(onB, assistant.id, 20_000)
    expect(message.status).toBe('complete')
    await stopping
    expect(c.a.logs.join('')).toMatch(/\[shutdown\] SIGTERM/)
  })

  it('SIGTERM past the drain time: the reply ends interrupted with all of its text', async () => {
    const c = await cluster({ BUILTIN_WORD_DELAY_MS: '80', SHUTDOWN_DRAIN_SECONDS: '1' })
    const { onA, onB } = await userOnBoth(c)
    const { assistant } = await send(onA, 'hello, what can you do?')
    await onB.nextOf('message.delta', d => d.messageId === assistant.id && d.seq === 3)
    await c.a.stop()
    const failed = await onB.nextOf('message.failed', p => p.message.id === assistant.id, 10_000)
    expect(failed.message.error.code).toBe('interrupted')
    expect(failed.message.content).toBe(deltasOf(onB, assistant.id).map(d => d.text).join(''))
  })

  it('a restart of both instances loses nothing that was completed', async () => {
    const c = await cluster()
    const { cookie, client } = await guest(c.a.url)
    const first = await chat(client, 'what is 6 * 7?')
    const second = await chat(client, 'thanks', { topicId: first.topicId })
    await client.close()
    await Promise.all([c.a.stop(), c.b.stop()])
    const [a2] = await Promise.all([
      startServer({ env: { ...c.env, INSTANCE_ID: 'a2' } }),
      startServer({ env: { ...c.env, INSTANCE_ID: 'b2' } }),
    ]).then((started) => {
      servers.push(...started)
      return started
    })
    const again = await connect(a2!.url, cookie)
    const ready = await again.nextOf('session.ready')
    expect(ready.topics.map(t => t.id)).toEqual([first.topicId])
    again.send('topic.open', { topicId: first.topicId })
    const history = await again.nextOf('topic.history')
    expect(history.messages.map(m => [m.role, m.status])).toEqual([['user', 'complete'], ['assistant', 'complete'], ['user', 'complete'], ['assistant', 'complete']])
    expect(history.messages[3]!.content).toBe(second.message.content)
    expect(history.tasks.map(t => t.status)).toEqual(['completed'])
    const id = clientId()
    again.send('ping', {}, id)
    await again.nextOf('pong')
  })
})
