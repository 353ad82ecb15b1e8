// Accounts (DESIGN.md "Identity", "Pages and HTTP"): register keeps the guest's topics, log-in moves
// them into the account, log-out / password change / deletion end sessions and close their sockets
// (1008), errors are `{code, message}` with 400/401/409/429, and nothing tells whether an email exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, chat, connect, getCookie, guest, startServer, upgradeStatus, type TestServer } from './helpers'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.stop()
})

let counter = 0
const email = () => `person${Date.now().toString(36)}${++counter}@example.com`
const PASSWORD = 'correct horse battery'

/** A guest with one topic, registered as an account; returns the account's cookie and ids. */
async function account(name = 'Ada') {
  const visitor = await guest(server.url)
  const topic = await chat(visitor.client, 'what is 6 * 7?')
  const address = email()
  const registered = await api(server.url, '/api/auth/register', { cookie: visitor.cookie, body: { email: address, password: PASSWORD, name } })
  expect(registered.status).toBe(201)
  await visitor.client.closed
  return { email: address, cookie: registered.cookie!, guestCookie: visitor.cookie, userId: visitor.ready.user.id, topicId: topic.topicId, registered }
}

describe('register', () => {
  it('turns the guest into an account in place: same id, its topics stay, a new cookie, its old sockets reconnect', async () => {
    const visitor = await guest(server.url)
    const { topicId } = await chat(visitor.client, 'hello there')
    const address = email()
    const response = await api(server.url, '/api/auth/register', { cookie: visitor.cookie, body: { email: `  ${address.toUpperCase()} `, password: PASSWORD, name: ' Ada ' } })
    expect(response.status).toBe(201)
    expect(response.body).toEqual({ id: visitor.ready.user.id, name: 'Ada', email: address, guest: false })
    // The session id rotates: the guest cookie is done, its socket is told to reconnect (4001).
    expect(response.cookie).toBeDefined()
    expect(response.cookie).not.toBe(visitor.cookie)
    expect(await visitor.client.closed).toBe(4001)
    expect((await api(server.url, '/api/auth/me', { cookie: visitor.cookie })).status).toBe(401)
    expect(await upgradeStatus(server.url, { cookie: visitor.cookie })).toBe(401)

    const socket = await connect(server.url, response.cookie!)
    const ready = await socket.nextOf('session.ready')
    expect(ready.user).toEqual({ id: visitor.ready.user.id, name: 'Ada', guest: false })
    expect(ready.topics.map(t => t.id)).toEqual([topicId])
    expect((await api(server.url, '/api/auth/me', { cookie: response.cookie })).body).toEqual({ id: visitor.ready.user.id, name: 'Ada', email: address, guest: false })
    await socket.close()
  })

  it('answers 400 for a bad email, a short password or a body that is not JSON, and 409 for a taken email', async () => {
    const cookie = await getCookie(server.url)
    const bad: { body: unknown, headers?: Record<string, string> }[] = [
      { body: { email: 'not-an-email', password: PASSWORD } },
      { body: { email: email(), password: 'short' } },
      { body: { email: email() } },
      { body: `email=${email()}&password=${PASSWORD}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { body: '{"email": ', headers: {} },
    ]
    for (const request of bad) {
      const response = await api(server.url, '/api/auth/register', { cookie, ...request })
      expect(response.status, JSON.stringify(request)).toBe(400)
      expect(response.body).toMatchObject({ code: 'bad_request', message: expect.any(String) })
    }
    const { email: taken } = await account()
    const again = await api(server.url, '/api/auth/register', { cookie: await getCookie(server.url), body: { email: taken, password: PASSWORD } })
    expect(again.status).toBe(409)
    expect(again.body).toEqual({ code: 'conflict', message: expect.stringMatching(/already exists/) })
  })

  it('refuses a body over 16 KiB without reading it all (and one over 64 KiB before the app sees it)', async () => {
    const cookie = await getCookie(server.url)
    const response = await api(server.url, '/api/auth/register', { cookie, body: { email: email(), password: PASSWORD, name: 'x'.repeat(20 * 1024) } })
    expect(response.status).toBe(413)
    expect(response.body).toEqual({ code: 'too_large', message: 'The request body is too large' })
    const huge = await api(server.url, '/api/auth/register', { cookie, body: { email: email(), password: PASSWORD, name: 'x'.repeat(200 * 1024) } })
    expect(huge.status).toBe(413)
  })
})

describe('log in', () => {
  it('moves the guest topics of this browser into the account, and the account sees both', async () => {
    const owner = await account()
    const visitor = await guest(server.url)
    const { topicId: guestTopic } = await chat(visitor.client, 'a topic started as a guest')
    const response = await api(server.url, '/api/auth/login', { cookie: visitor.cookie, body: { email: owner.email.toUpperCase(), password: PASSWORD } })
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ id: owner.userId, name: 'Ada', email: owner.email, guest: false })
    expect(await visitor.client.closed).toBe(4001)

    const socket = await connect(server.url, response.cookie!)
    const ready = await socket.nextOf('session.ready')
    expect(ready.user.id).toBe(owner.userId)
    expect(ready.topics.map(t => t.id).sort()).toEqual([owner.topicId, guestTopic].sort())
    socket.send('topic.open', { topicId: guestTopic })
    expect((await socket.nextOf('topic.history')).messages.map(m => m.role)).toEqual(['user', 'assistant'])
    await socket.close()
    // The guest is gone: its cookie opens nothing.
    expect(await upgradeStatus(server.url, { cookie: visitor.cookie })).toBe(401)
  })

  it('gives the same 401 for a wrong password and for an unknown email', async () => {
    const { email: known } = await account()
    const cookie = await getCookie(server.url)
    const wrong = await api(server.url, '/api/auth/login', { cookie, body: { email: known, password: 'not the password' } })
    const unknown = await api(server.url, '/api/auth/login', { cookie, body: { email: email(), password: 'not the password' } })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(wrong.body).toEqual({ code: 'unauthorized', message: 'The email or the password is wrong.' })
    expect(wrong.cookie).toBeUndefined()
  })
})

describe('log out, password change, deletion', () => {
  it('log-out answers 204, closes that session\'s sockets with 1008 and hands out a fresh guest session', async () => {
    const owner = await account()
    const socket = await connect(server.url, owner.cookie)
    await socket.nextOf('session.ready')
    const response = await api(server.url, '/api/auth/logout', { cookie: owner.cookie, method: 'POST' })
    expect(response.status).toBe(204)
    expect(await socket.closed).toBe(1008)
    expect(await upgradeStatus(server.url, { cookie: owner.cookie })).toBe(401)
    const me = await api(server.url, '/api/auth/me', { cookie: response.cookie })
    expect(me.body).toMatchObject({ guest: true, email: null })
    expect((me.body as { id: string }).id).not.toBe(owner.userId)
  })

  it('a password change ends the account\'s other sessions (their sockets close with 1008) and keeps this one', async () => {
    const owner = await account()
    const elsewhere = await api(server.url, '/api/auth/login', { cookie: await getCookie(server.url), body: { email: owner.email, password: PASSWORD } })
    const here = await connect(server.url, owner.cookie)
    const there = await connect(server.url, elsewhere.cookie!)
    await Promise.all([here.nextOf('session.ready'), there.nextOf('session.ready')])

    const wrong = await api(server.url, '/api/account/password', { cookie: owner.cookie, body: { currentPassword: 'nope nope nope', newPassword: 'a new passphrase' } })
    expect(wrong.status).toBe(401)
    const changed = await api(server.url, '/api/account/password', { cookie: owner.cookie, body: { currentPassword: PASSWORD, newPassword: 'a new passphrase' } })
    expect(changed.status).toBe(204)
    expect(await there.closed).toBe(1008)
    expect(here.isOpen()).toBe(true)
    expect((await api(server.url, '/api/auth/me', { cookie: elsewhere.cookie })).status).toBe(401)
    expect((await api(server.url, '/api/auth/me', { cookie: owner.cookie })).status).toBe(200)
    expect((await api(server.url, '/api/auth/login', { cookie: await getCookie(server.url), body: { email: owner.email, password: PASSWORD } })).status).toBe(401)
    expect((await api(server.url, '/api/auth/login', { cookie: await getCookie(server.url), body: { email: owner.email, password: 'a new passphrase' } })).status).toBe(200)
    await here.close()
  })

  it('deleting the account needs the password, removes all its data and closes every socket of it', async () => {
    const owner = await account()
    const socket = await connect(server.url, owner.cookie)
    await socket.nextOf('session.ready')
    const refused = await api(server.url, '/api/account', { method: 'DELETE', cookie: owner.cookie, body: { password: 'wrong password' } })
    expect(refused.status).toBe(401)
    expect(socket.isOpen()).toBe(true)

    const deleted = await api(server.url, '/api/account', { method: 'DELETE', cookie: owner.cookie, body: { password: PASSWORD } })
    expect(deleted.status).toBe(204)
    expect(await socket.closed).toBe(1008)
    expect((await api(server.url, '/api/auth/login', { cookie: await getCookie(server.url), body: { email: owner.email, password: PASSWORD } })).status).toBe(401)
    // The browser continues as a new guest with nothing of the account.
    const fresh = await connect(server.url, deleted.cookie!)
    const ready = await fresh.nextOf('session.ready')
    expect(ready.user.guest).toBe(true)
    expect(ready.topics).toEqual([])
    expect((await api(server.url, `/api/topics/${owner.topicId}`, { cookie: deleted.cookie })).status).toBe(404)
    await fresh.close()
  })

  it('renames the account, and downloads all its data as JSON', async () => {
    const owner = await account()
    const renamed = await api(server.url, '/api/account', { method: 'PATCH', cookie: owner.cookie, body: { name: 'Grace' } })
    expect(renamed.body).toMatchObject({ name: 'Grace' })
    const download = await fetch(`${server.url}/api/account/export`, { headers: { cookie: owner.cookie } })
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="agent-chat-\d{4}-\d{2}-\d{2}\.json"$/)
    const data = await download.json() as { user: { email: string, name: string }, topics: { id: string, messages: { content: string }[], tasks: { kind: string }[] }[] }
    expect(data.user).toMatchObject({ email: owner.email, name: 'Grace' })
    expect(JSON.stringify(data)).not.toContain('argon2')
    expect(data.topics.map(t => t.id)).toEqual([owner.topicId])
    expect(data.topics[0]!.messages.map(m => m.content)[0]).toBe('what is 6 * 7?')
    expect(data.topics[0]!.tasks.map(t => t.kind)).toEqual(['calc'])
  })

  it('answers 401 to the account endpoints without a session', async () => {
    for (const [path, method] of [['/api/auth/me', 'GET'], ['/api/account/export', 'GET'], ['/api/bootstrap', 'GET']] as const) {
      const response = await api(server.url, path, { method })
      expect(response.status, path).toBe(401)
      expect(response.body).toMatchObject({ code: 'unauthorized' })
    }
  })
})

describe('rate limits of the auth endpoints', () => {
  it('answers 429 with {code, message} past AUTH_ATTEMPTS_PER_MINUTE_PER_IP', async () => {
    const limited = await startServer({ env: { AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '3' } })
    try {
      const cookie = await getCookie(limited.url)
      const statuses: number[] = []
      let last: unknown
      for (let i = 0; i < 5; i++) {
        const response = await api(limited.url, '/api/auth/login', { cookie, body: { email: email(), password: 'whatever pass' } })
        statuses.push(response.status)
        last = response.body
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429])
      expect(last).toEqual({ code: 'rate_limited', message: expect.stringMatching(/Too many attempts.*Try again in \d+ s/) })
    }
    finally {
      await limited.stop()
    }
  })
})
