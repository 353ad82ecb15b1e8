// Drives the real built server: spawn it on its own port and data dir, get a session cookie, and talk
// to /ws through a small client that keeps every frame it received.
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { inject } from 'vitest'
import WebSocket from 'ws'
import { parseServerFrame, type ClientPayload, type ClientType, type ServerFrame, type ServerPayload, type ServerType } from '../../../shared/protocol'

const root = resolve(import.meta.dirname, '../../..')
const serverEntry = join(root, '.output/server/index.mjs')

export interface TestServer {
  url: string
  port: number
  dataDir: string
  /** Everything the process printed, stdout and stderr interleaved. */
  logs: string[]
  /** SIGTERM, then wait for the exit (SIGKILL after 10 s). */
  stop: () => Promise<void>
  /** SIGKILL: a crash, no shutdown hooks. */
  kill: () => Promise<void>
}

export interface StartOptions {
  env?: Record<string, string>
  /** Defaults to a fresh copy of the template data dir. */
  dataDir?: string
  timeoutMs?: number
}

/** A fresh data dir for one server: a copy of the migrated template made by global-setup.ts. */
export function freshDataDir(): string {
  const { templateDir, runDir } = inject('serverTests')
  const dir = mkdtempSync(join(runDir, 'data-'))
  cpSync(templateDir, dir, { recursive: true })
  return dir
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      done(true)
    })
  })
}

/** Spawns `node .output/server/index.mjs` on a free port and resolves once /api/health answers 200. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? freshDataDir()
  const child = spawn(process.execPath, [serverEntry], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      BUILTIN_WORD_DELAY_MS: '2',
      NITRO_SHUTDOWN_TIMEOUT: '5000',
      // Tests make many guests and sends from one address; the tests of the limits lower these.
      GUESTS_PER_MINUTE_PER_IP: '10000',
      SENDS_PER_MINUTE: '10000',
      SEARCHES_PER_MINUTE: '10000',
      IMPORTS_PER_MINUTE: '10000',
      REPLIES_PER_USER: '1000',
      AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '10000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: string[] = []
  const exited = new Promise<number | null>(done => child.once('exit', code => done(code)))
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not listen in time:\n${logs.join('')}`)), options.timeoutMs ?? 30_000)
    const onData = (chunk: Buffer) => {
      logs.push(chunk.toString())
      const match = /Listening on https?:\/\/[^\s:]+:(\d+)/.exec(logs.join(''))
      if (match) {
        clearTimeout(timer)
        done(Number(match[1]))
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      fail(new Error(`server exited with ${code} before listening:\n${logs.join('')}`))
    })
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  for (;;) {
    const status = await fetch(`${url}/api/health`).then(r => r.status, () => 0)
    if (status === 200) break
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server not healthy (last status ${status}):\n${logs.join('')}`)
    }
    await sleep(100)
  }
  return {
    url,
    port,
    dataDir,
    logs,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL')
        await waitForExit(child, 5_000)
      }
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGKILL')
      await waitForExit(child, 5_000)
    },
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise(done => setTimeout(done, ms))
}

/** The `agent_chat_session=…` pair that a first GET / sets. */
export async function getCookie(url: string, cookie?: string): Promise<string> {
  const response = await fetch(`${url}/`, { headers: cookie ? { cookie } : {} })
  await response.arrayBuffer()
  const pair = response.headers.getSetCookie().map(c => c.split(';')[0]!).find(c => c.startsWith('agent_chat_session='))
  if (!pair) throw new Error(`GET / set no session cookie (status ${response.status})`)
  return pair
}

export interface UpgradeHeaders {
  cookie?: string
  /** Defaults to the server's own origin; null sends no Origin header. */
  origin?: string | null
}

function upgradeHeaders(url: string, options: UpgradeHeaders): Record<string, string> {
  const headers: Record<string, string> = {}
  if (options.cookie) headers.cookie = options.cookie
  const origin = options.origin === undefined ? new URL(url).origin : options.origin
  if (origin !== null) headers.origin = origin
  return headers
}

/** The HTTP status the upgrade request gets: 101 when accepted, else the refusal's status. */
export function upgradeStatus(url: string, options: UpgradeHeaders): Promise<number> {
  return new Promise((done, fail) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: upgradeHeaders(url, options) })
    ws.once('upgrade', (response) => {
      done(response.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('unexpected-response', (_request, response) => {
      done(response.statusCode ?? 0)
      response.resume()
      ws.terminate()
    })
    ws.once('error', error => fail(error))
  })
}

export type Frame = ServerFrame
export type FrameOf<T extends ServerType> = Extract<ServerFrame, { type: T }>

export interface Client {
  /** Every valid frame received, in order. */
  frames: Frame[]
  /** Frames that did not match shared/protocol.ts (a server bug); `next` fails when there are any. */
  invalid: string[]
  send: <T extends ClientType>(type: T, payload: ClientPayload<T>, id?: string) => void
  sendRaw: (data: string) => void
  /** The first frame not yet returned by `next` that matches, waiting for it when it has not come yet. */
  next: {
    <F extends Frame>(predicate: (frame: Frame) => frame is F, timeoutMs?: number): Promise<F>
    (predicate: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>
  }
  /** `next` for one frame type: resolves with its payload. */
  nextOf: <T extends ServerType>(type: T, predicate?: (payload: ServerPayload<T>) => boolean, timeoutMs?: number) => Promise<ServerPayload<T>>
  /** Payloads of every frame of a type received so far (consumed by `next` or not). */
  all: <T extends ServerType>(type: T, predicate?: (payload: ServerPayload<T>) => boolean) => ServerPayload<T>[]
  close: () => Promise<number>
  /** Resolves with the close code once the socket is closed, whoever closed it. */
  closed: Promise<number>
  isOpen: () => boolean
}

export function isType<T extends ServerType>(type: T) {
  return (frame: Frame): frame is FrameOf<T> => frame.type === type
}

/** Opens /ws with the cookie and (by default) the server's own Origin; resolves once it is open. */
export function connect(url: string, cookie: string, options: { origin?: string | null } = {}): Promise<Client> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: upgradeHeaders(url, { cookie, origin: options.origin }) })
  const frames: Frame[] = []
  const invalid: string[] = []
  const consumed = new Set<Frame>()
  const waiters = new Set<() => void>()
  const closed = new Promise<number>(done => ws.once('close', code => done(code)))
  let isClosed = false
  void closed.then(() => {
    isClosed = true
    for (const wake of waiters) wake()
  })

  ws.on('message', (data, isBinary) => {
    const raw = isBinary ? '' : data.toString()
    const frame = parseServerFrame(raw)
    if (frame) frames.push(frame)
    else invalid.push(raw)
    for (const wake of waiters) wake()
  })

  function next(predicate: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    return new Promise((done, fail) => {
      const check = () => {
        if (invalid.length) return finish(() => fail(new Error(`server sent frames that do not match the protocol: ${invalid.join('\n')}`)))
        const found = frames.find(frame => !consumed.has(frame) && predicate(frame))
        if (found) {
          consumed.add(found)
          return finish(() => done(found))
        }
        if (isClosed) finish(() => fail(new Error(`socket closed while waiting for a frame (${predicate.toString()})`)))
      }
      const timer = setTimeout(() => finish(() => fail(new Error(`no matching frame within ${timeoutMs} ms (${predicate.toString()}); got: ${frames.map(f => f.type).join(', ')}`))), timeoutMs)
      const finish = (settle: () => void) => {
        clearTimeout(timer)
        waiters.delete(check)
        settle()
      }
      waiters.add(check)
      check()
    })
  }

  const client: Client = {
    frames,
    invalid,
    send: (type, payload, id) => ws.send(JSON.stringify(id === undefined ? { type, payload } : { type, payload, id })),
    sendRaw: data => ws.send(data),
    next: next as Client['next'],
    nextOf: async <T extends ServerType>(type: T, predicate?: (payload: ServerPayload<T>) => boolean, timeoutMs?: number) => {
      const frame = await next(f => f.type === type && (!predicate || predicate(f.payload as ServerPayload<T>)), timeoutMs)
      return frame.payload as ServerPayload<T>
    },
    all: <T extends ServerType>(type: T, predicate?: (payload: ServerPayload<T>) => boolean) =>
      frames.filter(f => f.type === type).map(f => f.payload as ServerPayload<T>).filter(p => !predicate || predicate(p)),
    close: () => {
      if (!isClosed) ws.close()
      return closed
    },
    closed,
    isOpen: () => ws.readyState === WebSocket.OPEN,
  }

  return new Promise((done, fail) => {
    ws.once('open', () => done(client))
    ws.once('unexpected-response', (_request, response) => fail(new Error(`upgrade refused with ${response.statusCode}`)))
    // Before the open this rejects; after it, the close code tells what happened.
    ws.on('error', fail)
  })
}

/** A new guest: a cookie from GET / and an open socket past its session.ready. */
export async function guest(url: string): Promise<{ cookie: string, client: Client, ready: ServerPayload<'session.ready'> }> {
  const cookie = await getCookie(url)
  const client = await connect(url, cookie)
  const ready = await client.nextOf('session.ready')
  return { cookie, client, ready }
}

let counter = 0
export function clientId(): string {
  return `cm-${Date.now().toString(36)}-${++counter}`
}

export interface Exchange {
  topicId: string
  user: ServerPayload<'message.created'>['message']
  assistant: ServerPayload<'message.created'>['message']
}

/** Sends a message and waits for the user's message and the assistant's (streaming) message to be created. */
export async function send(client: Client, text: string, options: { topicId?: string | null, agentId?: string } = {}): Promise<Exchange> {
  const clientMessageId = clientId()
  client.send('message.send', { topicId: options.topicId ?? null, agentId: options.agentId ?? 'assistant', text, clientMessageId })
  const { message: user } = await client.nextOf('message.created', p => p.message.clientMessageId === clientMessageId)
  const { message: assistant } = await client.nextOf('message.created', p => p.message.topicId === user.topicId && p.message.role === 'assistant')
  return { topicId: user.topicId, user, assistant }
}

/** Waits until the assistant message ends and returns its final frame and the deltas seen for it. */
export async function finished(client: Client, messageId: string, timeoutMs = 15_000) {
  const isEnd = (f: Frame): f is FrameOf<'message.completed'> | FrameOf<'message.failed'> =>
    (f.type === 'message.completed' || f.type === 'message.failed') && f.payload.message.id === messageId
  const end = await client.next(isEnd, timeoutMs)
  const deltas = client.all('message.delta', d => d.messageId === messageId)
  return { end, deltas, message: end.payload.message }
}

/** Sends and waits for the whole reply. */
export async function chat(client: Client, text: string, options: { topicId?: string | null, agentId?: string } = {}) {
  const exchange = await send(client, text, options)
  const result = await finished(client, exchange.assistant.id)
  return { ...exchange, ...result }
}

/** Polls until `check` returns a value other than undefined/false. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

export interface ApiResponse {
  status: number
  body: unknown
  /** The session cookie pair this response set, if it set one. */
  cookie?: string
}

/** A JSON request to the app's HTTP API, as a browser's $fetch would make it. */
export async function api(url: string, path: string, options: { method?: string, cookie?: string, body?: unknown, headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.cookie) headers.cookie = options.cookie
  if (options.body !== undefined) headers['content-type'] ??= 'application/json'
  const response = await fetch(`${url}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  }
  catch {
    // not JSON: keep the text
  }
  const cookie = response.headers.getSetCookie().map(c => c.split(';')[0]!).find(c => c.startsWith('agent_chat_session=') && c.length > 'agent_chat_session='.length)
  return { status: response.status, body, cookie }
}
