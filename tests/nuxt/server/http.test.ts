// DESIGN.md "Identity", "Pages and HTTP" and "Run and configure": the upgrade checks, the cookie,
// health, 404s for foreign or unknown topics, and a bad configuration value.
import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chat, connect, freshDataDir, getCookie, guest, startServer, upgradeStatus, type TestServer } from './helpers'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.stop()
})

describe('socket upgrade', () => {
  it('refuses an upgrade without a cookie with 401', async () => {
    expect(await upgradeStatus(server.url, {})).toBe(401)
  })

  it('refuses a valid cookie from a foreign Origin with 403', async () => {
    const cookie = await getCookie(server.url)
    expect(await upgradeStatus(server.url, { cookie, origin: 'http://evil.example' })).toBe(403)
    // Same host name, other port: still another origin.
    expect(await upgradeStatus(server.url, { cookie, origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403)
  })

  it('refuses a valid cookie without an Origin with 403', async () => {
    const cookie = await getCookie(server.url)
    expect(await upgradeStatus(server.url, { cookie, origin: null })).toBe(403)
  })

  it('refuses a forged cookie with 401', async () => {
    const cookie = await getCookie(server.url)
    const [name, value] = cookie.split('=') as [string, string]
    const sessionId = value.slice(0, value.lastIndexOf('.'))
    // A well-formed HMAC, but with a key other than the server's.
    const forged = `${name}=${sessionId}.${createHmac('sha256', 'not the secret').update(sessionId).digest('base64url')}`
    expect(await upgradeStatus(server.url, { cookie: forged })).toBe(401)
    // Another session id under the real signature.
    expect(await upgradeStatus(server.url, { cookie: `${name}=ses_someoneelse.${value.slice(value.lastIndexOf('.') + 1)}` })).toBe(401)
    expect(await upgradeStatus(server.url, { cookie: `${name}=${sessionId}` })).toBe(401)
  })

  it('accepts a good cookie from the same origin and greets with session.ready', async () => {
    const cookie = await getCookie(server.url)
    expect(await upgradeStatus(server.url, { cookie })).toBe(101)
    const client = await connect(server.url, cookie)
    const first = await client.next(() => true)
    expect(first.type).toBe('session.ready')
    if (first.type !== 'session.ready') return
    expect(first.payload.user.guest).toBe(true)
    expect(first.payload.user.id).toBeTruthy()
    const agentIds = first.payload.agents.map(a => a.id)
    expect(agentIds).toContain('assistant')
    expect(agentIds).toContain('code-runner')
    expect(first.payload.topics).toEqual([])
    await client.close()
  })
})

describe('HTTP', () => {
  it('GET /api/health is 200 with db ok and redis off', async () => {
    const response = await fetch(`${server.url}/api/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', db: 'ok', redis: 'off' })
  })

  it('the first GET / sets an HttpOnly, SameSite=Lax session cookie, and a second GET keeps it', async () => {
    const response = await fetch(`${server.url}/`)
    expect(response.status).toBe(200)
    await response.text()
    const cookies = response.headers.getSetCookie()
    const session = cookies.find(c => c.startsWith('agent_chat_session='))
    expect(session).toBeDefined()
    expect(session).toMatch(/;\s*HttpOnly/i)
    expect(session).toMatch(/;\s*SameSite=Lax/i)
    expect(session).toMatch(/;\s*Path=\//i)

    const again = await fetch(`${server.url}/`, { headers: { cookie: session!.split(';')[0]! } })
    await again.text()
    expect(again.headers.getSetCookie().filter(c => c.startsWith('agent_chat_session='))).toEqual([])
  })

  it('GET /api/topics/<id> is 404 for a foreign topic and 200 for the owner', async () => {
    const owner = await guest(server.url)
    const { topicId } = await chat(owner.client, 'hello')
    await owner.client.close()

    const mine = await fetch(`${server.url}/api/topics/${topicId}`, { headers: { cookie: owner.cookie } })
    expect(mine.status).toBe(200)
    const body = await mine.json() as { topic: { id: string }, messages: { role: string }[] }
    expect(body.topic.id).toBe(topicId)
    expect(body.messages.map(m => m.role)).toEqual(['user', 'assistant'])

    const stranger = await getCookie(server.url)
    const foreign = await fetch(`${server.url}/api/topics/${topicId}`, { headers: { cookie: stranger } })
    expect(foreign.status).toBe(404)
    expect(await foreign.json()).toEqual({ code: 'not_found', message: 'Topic not found' })
    const unknown = await fetch(`${server.url}/api/topics/tp_doesnotexist`, { headers: { cookie: owner.cookie } })
    expect(unknown.status).toBe(404)
  })

  it('GET /t/<unknown id> and /t/<foreign id> answer with a 404 status', async () => {
    const cookie = await getCookie(server.url)
    const response = await fetch(`${server.url}/t/tp_doesnotexist`, { headers: { cookie } })
    await response.text()
    expect(response.status).toBe(404)

    const owner = await guest(server.url)
    const { topicId } = await chat(owner.client, 'what is 4 * 4?')
    await owner.client.close()
    const foreign = await fetch(`${server.url}/t/${topicId}`, { headers: { cookie } })
    const html = await foreign.text()
    expect(foreign.status).toBe(404)
    expect(html).not.toContain('what is 4 * 4?')
  })
})

describe('configuration', () => {
  it('a bad SESSION_TIMEOUT_MINUTES stops the start with one line naming it', async () => {
    const root = resolve(import.meta.dirname, '../../..')
    const child = spawn(process.execPath, [join(root, '.output/server/index.mjs')], {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: freshDataDir(), SESSION_TIMEOUT_MINUTES: 'abc' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((done) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        done(null)
      }, 20_000)
      child.once('exit', (exitCode) => {
        clearTimeout(timer)
        done(exitCode)
      })
    })
    expect(code).not.toBeNull()
    expect(code).not.toBe(0)
    const lines = stderr.trim().split('\n').filter(Boolean)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('SESSION_TIMEOUT_MINUTES')
    expect(stdout).not.toMatch(/Listening on/)
  })
})
