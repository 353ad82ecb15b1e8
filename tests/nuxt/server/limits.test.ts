// Issue 8's hostile user against the built server: cookie-less floods create nobody, page views make
// guests only up to a per-address limit, the Origin must match exactly (forwarded headers only with
// TRUST_PROXY), a user's sockets, sends, live replies and topics are capped with readable
// rate_limited errors, a socket that does not read is closed (1013), an oversized frame is refused
// by the transport (1009), and DATA_DIR is private.
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { connect as connectTcp } from 'node:net'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { api, chat, clientId, connect, getCookie, guest, send, sleep, startServer, upgradeStatus, waitFor, type TestServer } from './helpers'

const servers: TestServer[] = []

async function start(env: Record<string, string> = {}, dataDir?: string) {
  const server = await startServer({ env, dataDir })
  servers.push(server)
  return server
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(server => server.stop()))
})

/** Users in the stopped server's database (PGlite opened from the test). */
async function countUsers(dataDir: string): Promise<number> {
  const { PGlite } = await import('@electric-sql/pglite')
  const db = new PGlite(join(dataDir, 'pglite'))
  try {
    const result = await db.query<{ n: number }>('select count(*)::int as n from users')
    return result.rows[0]!.n
  }
  finally {
    await db.close()
  }
}

describe('guests', () => {
  it('requests that are not page views (API, assets, 404s) never create a user or a session cookie', async () => {
    const server = await start()
    const paths = ['/api/bootstrap', '/api/auth/me', '/api/topics/x', '/api/nope', '/_nuxt/missing.js', '/favicon.svg', '/nothing-here.png', '/t/x/y', '/ws']
    const responses = await Promise.all(Array.from({ length: 300 }, (_, i) => fetch(`${server.url}${paths[i % paths.length]}`)))
    for (const response of responses) {
      await response.arrayBuffer()
      expect(response.headers.getSetCookie().filter(c => c.startsWith('agent_chat_session='))).toEqual([])
    }
    await server.stop()
    expect(await countUsers(server.dataDir)).toBe(0)
  })

  it('limits new guests per client address (429 past GUESTS_PER_MINUTE_PER_IP); known sessions are not limited', async () => {
    const server = await start({ GUESTS_PER_MINUTE_PER_IP: '5' })
    const cookies: string[] = []
    for (let i = 0; i < 5; i++) cookies.push(await getCookie(server.url))
    const refused = await fetch(`${server.url}/`)
    expect(refused.status).toBe(429)
    expect(await refused.text()).toMatch(/Too many new sessions/)
    for (const cookie of cookies) {
      const again = await fetch(`${server.url}/`, { headers: { cookie } })
      await again.arrayBuffer()
      expect(again.status).toBe(200)
    }
    await server.stop()
    expect(await countUsers(server.dataDir)).toBe(5)
  })
})

describe('origin', () => {
  it('compares scheme, host and port exactly, and ignores forwarded headers without TRUST_PROXY', async () => {
    const server = await start()
    const cookie = await getCookie(server.url)
    const own = `http://127.0.0.1:${server.port}`
    expect(await upgradeStatus(server.url, { cookie, origin: own })).toBe(101)
    for (const origin of [`https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port + 1}`, `http://localhost:${server.port}`, 'http://evil.example', 'null']) {
      expect(await upgradeStatus(server.url, { cookie, origin }), origin).toBe(403)
    }
    const spoofed = await new Promise<number>((done) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { cookie, 'origin': 'https://evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' } })
      ws.once('upgrade', () => done(101))
      ws.once('unexpected-response', (_request, response) => done(response.statusCode ?? 0))
      ws.once('error', () => {})
    })
    expect(spoofed).toBe(403)
  })

  it('behind a trusted proxy, takes the forwarded host and scheme; ALLOWED_ORIGINS adds origins', async () => {
    const server = await start({ TRUST_PROXY: '1', ALLOWED_ORIGINS: 'https://app.example.net' })
    const cookie = await getCookie(server.url)
    const status = (origin: string, headers: Record<string, string>) => new Promise<number>((done) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { cookie, origin, ...headers } })
      ws.once('upgrade', () => {
        done(101)
        ws.terminate()
      })
      ws.once('unexpected-response', (_request, response) => done(response.statusCode ?? 0))
      ws.once('error', () => {})
    })
    const proxied = { 'x-forwarded-host': 'chat.example.com', 'x-forwarded-proto': 'https' }
    expect(await status('https://chat.example.com', proxied)).toBe(101)
    expect(await status('http://chat.example.com', proxied)).toBe(403)
    expect(await status('https://app.example.net', proxied)).toBe(101)
    expect(await status('https://other.example.net', proxied)).toBe(403)
  })

  it('sets the cookie Secure behind HTTPS (a trusted proxy saying https)', async () => {
    const server = await start({ TRUST_PROXY: '1' })
    const plain = await fetch(`${server.url}/`)
    await plain.arrayBuffer()
    expect(plain.headers.getSetCookie().find(c => c.startsWith('agent_chat_session='))).not.toMatch(/;\s*Secure/i)
    const secure = await fetch(`${server.url}/`, { headers: { 'x-forwarded-proto': 'https' } })
    await secure.arrayBuffer()
    expect(secure.headers.getSetCookie().find(c => c.startsWith('agent_chat_session='))).toMatch(/;\s*Secure/i)
  })
})

describe('per-user limits', () => {
  it('refuses a socket past WS_MAX_SOCKETS_PER_USER with a clear close reason; another user is unaffected', async () => {
    const server = await start({ WS_MAX_SOCKETS_PER_USER: '3' })
    const flooder = await guest(server.url)
    const more = await Promise.all([1, 2].map(() => connect(server.url, flooder.cookie)))
    const refused = await connect(server.url, flooder.cookie)
    const code = await refused.closed
    expect(code).toBe(4029)
    expect(refused.frames.map(f => f.type)).not.toContain('session.ready')
    // One closes, and the next one is welcome again.
    await more[0]!.close()
    const again = await connect(server.url, flooder.cookie)
    await again.nextOf('session.ready')
    const other = await guest(server.url)
    expect(await chat(other.client, 'what is 2 + 2?')).toMatchObject({ message: { status: 'complete' } })
  })

  it('sends per minute, live replies and topics per user get rate_limited with a readable message; nothing stored is lost', async () => {
    const server = await start({ SENDS_PER_MINUTE: '4', REPLIES_PER_USER: '1', TOPICS_PER_USER: '2', BUILTIN_WORD_DELAY_MS: '40' })
    const { client } = await guest(server.url)
    const first = await send(client, 'hello, tell me what you can do')
    // A second reply while the first is written: refused.
    const id = clientId()
    client.send('message.send', { topicId: null, agentId: 'assistant', text: 'and another', clientMessageId: clientId() }, id)
    const busy = await client.nextOf('error', e => e.requestId === id)
    expect(busy).toEqual({ code: 'rate_limited', message: expect.stringMatching(/1 replies are being written/), requestId: id })
    await waitFor(() => client.all('message.completed', p => p.message.id === first.assistant.id).length > 0, 15_000, 'the first reply')

    await chat(client, 'what is 1 + 1?')
    // Two topics exist: a third is refused, the existing ones stay.
    const third = clientId()
    client.send('message.send', { topicId: null, agentId: 'assistant', text: 'a third topic', clientMessageId: clientId() }, third)
    expect(await client.nextOf('error', e => e.requestId === third)).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/2 topics/) })
    // Sends: 4 a minute (2 replies + 2 refused attempts so far); the next is refused.
    const fifth = clientId()
    client.send('message.send', { topicId: first.topicId, agentId: 'assistant', text: 'one more', clientMessageId: clientId() }, fifth)
    expect(await client.nextOf('error', e => e.requestId === fifth)).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/too fast.*Try again in \d+ s/) })

    client.send('topic.open', { topicId: first.topicId })
    expect((await client.nextOf('topic.history')).messages.map(m => m.status)).toEqual(['complete', 'complete'])
  })
})

describe('search and import', () => {
  it('are limited per user: over the limit 429 rate_limited with a readable message, another user unaffected, nothing stored changes', async () => {
    const server = await start({ SEARCHES_PER_MINUTE: '2', IMPORTS_PER_MINUTE: '1' })
    const alice = await guest(server.url)
    const bob = await guest(server.url)
    for (let i = 0; i < 2; i++) expect((await api(server.url, '/api/search?q=hello', { cookie: alice.cookie })).status).toBe(200)
    const third = await api(server.url, '/api/search?q=hello', { cookie: alice.cookie })
    expect(third).toMatchObject({ status: 429, body: { code: 'rate_limited', message: expect.stringMatching(/searching too fast.*Try again in \d+ s/) } })
    expect((await api(server.url, '/api/search?q=hello', { cookie: bob.cookie })).status).toBe(200)

    const at = new Date().toISOString()
    const file = { format: 'agent-chat-topics', version: 1, exportedAt: at, topics: [{ title: 'Imported', agentId: 'assistant', createdAt: at, updatedAt: at, messages: [{ role: 'user', content: 'hi', status: 'complete', createdAt: at }] }] }
    expect((await api(server.url, '/api/import', { cookie: alice.cookie, body: file })).status).toBe(201)
    const again = await api(server.url, '/api/import', { cookie: alice.cookie, body: file })
    expect(again).toMatchObject({ status: 429, body: { code: 'rate_limited', message: expect.stringMatching(/Too many imports/) } })
    const everything = await api(server.url, '/api/export', { cookie: alice.cookie })
    expect((everything.body as { topics: unknown[] }).topics).toHaveLength(1)
  })
})

describe('transport', () => {
  it('refuses a frame from its header alone: a 1 MiB length closes with 1009 before any of it arrives', async () => {
    const server = await start()
    const cookie = await getCookie(server.url)
    const code = await new Promise<number>((done, fail) => {
      const socket = connectTcp(server.port, '127.0.0.1')
      let buffer = Buffer.alloc(0)
      let upgraded = false
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk])
        if (!upgraded) {
          const end = buffer.indexOf('\r\n\r\n')
          if (end < 0) return
          if (!buffer.subarray(0, end).toString().startsWith('HTTP/1.1 101')) return fail(new Error(buffer.toString()))
          upgraded = true
          buffer = buffer.subarray(end + 4)
          // FIN + text, masked, 64-bit length of 1 MiB (ws's own default limit is 100 MiB), a mask
          // key and only 4 bytes of the payload: waiting for the rest would wait forever.
          const header = Buffer.from([0x81, 0xFF, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4])
          socket.write(Buffer.concat([header, Buffer.from('{"ty')]))
        }
        // A close frame from the server: 0x88, its length, then the 2-byte code.
        const close = buffer.indexOf(0x88)
        if (upgraded && close >= 0 && buffer.length >= close + 4) done(buffer.readUInt16BE(close + 2))
      })
      socket.on('error', fail)
      setTimeout(() => fail(new Error('no close frame within 5 s: the frame is being buffered')), 5_000)
      socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
        + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n`
        + `Origin: http://127.0.0.1:${server.port}\r\nCookie: ${cookie}\r\n\r\n`)
    })
    expect(code).toBe(1009)
  })

  it('refuses a 16 MiB frame from its header: 1009, quickly, and the server keeps serving', async () => {
    const server = await start()
    const { client } = await guest(server.url)
    const started = Date.now()
    client.sendRaw(JSON.stringify({ type: 'ping', payload: { pad: 'x'.repeat(16 * 1024 * 1024) } }))
    expect(await client.closed).toBe(1009)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
  })

  it('closes a socket that stops reading once its send buffer passes WS_SEND_BUFFER_BYTES (1013)', async () => {
    const server = await start({ WS_SEND_BUFFER_BYTES: String(256 * 1024), WS_RATE_PER_SECOND: '10000', WS_RATE_BURST: '10000' })
    const visitor = await guest(server.url)
    const { topicId } = await chat(visitor.client, `remember this: ${'lorem ipsum '.repeat(2_500)}`)
    await visitor.client.close()

    const reader = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { cookie: visitor.cookie, origin: server.url } })
    const closed = new Promise<number>(done => reader.once('close', code => done(code)))
    await new Promise(done => reader.once('open', done))
    reader.pause()
    // Each topic.history carries the long message: the server soon has far more to send than is read.
    for (let i = 0; i < 400; i++) reader.send(JSON.stringify({ type: 'topic.open', payload: { topicId } }))
    await sleep(1_500)
    reader.resume()
    expect(await closed).toBe(1013)
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
  })
})

describe('cleanup and data dir', () => {
  it('creates DATA_DIR readable by its owner only', async () => {
    const dataDir = join(await import('node:os').then(os => os.tmpdir()), `agent-chat-private-${Date.now()}`)
    // No template: the server makes the directory (and the database) itself.
    await start({}, dataDir).catch(() => {})
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dataDir, 'session-secret')).mode & 0o777).toBe(0o600)
  }, 120_000)

  it('a socket that opens while sweeps run either gets its whole session or is refused, never half', async () => {
    // 0.005 min = 0.3 s: sweeps every 250 ms delete a guest idle for 0.3 s.
    const server = await start({ SESSION_TIMEOUT_MINUTES: '0.005' })
    const outcomes = { served: 0, refused: 0 }
    for (let round = 0; round < 12; round++) {
      const cookie = await getCookie(server.url)
      await sleep(150 + (round % 4) * 60)
      try {
        const socket = await connect(server.url, cookie)
        await socket.nextOf('session.ready', undefined, 3_000)
        const reply = await chat(socket, 'what is 5 + 5?')
        expect(reply.message.status).toBe('complete')
        outcomes.served++
        await socket.close()
      }
      catch (error) {
        expect(String(error)).toMatch(/upgrade refused with 401|socket closed/)
        outcomes.refused++
      }
    }
    expect(outcomes.served).toBeGreaterThan(0)
    expect(server.logs.join('')).not.toMatch(/\[internal\]|foreign key|violates/)
  }, 60_000)
})
