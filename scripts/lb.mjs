// A small round-robin reverse proxy for running several instances behind one URL without nginx:
// `npm run cluster` uses it, and tests can too. Plain HTTP and WebSocket upgrades go to the
// instances in turn, with no stickiness, like deploy/nginx.conf. An instance that refuses the
// connection is skipped for the next one. X-Forwarded-For, -Proto and -Host are overwritten with
// what this proxy saw, so the instances must run with TRUST_PROXY=1. Responses carry
// `X-Served-By: <instance name>` so that a test can see where a request went.
//
//   import { startBalancer } from './lb.mjs'
//   const lb = await startBalancer({ targets: [{ name: 'app-1', url: 'http://127.0.0.1:3001' }, …], port: 0 })
//   … lb.url, lb.stats …
//   await lb.close()
import { Agent, createServer, request as httpRequest } from 'node:http'
import { connect } from 'node:net'

// Headers of one hop only (RFC 9110 §7.6.1), never forwarded as they are.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'])
const FORWARDED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'])
// Request bodies are read whole before forwarding, so a refused connection can be retried elsewhere.
const MAX_BODY_BYTES = 8 * 1024 * 1024

/** The client's address as the instances should see it (no IPv4-mapped IPv6 prefix). */
function clientAddress(socket) {
  return (socket.remoteAddress ?? '').replace(/^::ffff:/, '')
}

/** The request's headers for the instance: hop-by-hop and client-sent forwarding headers dropped, ours added. */
function forwardHeaders(req, { keepUpgrade }) {
  const listed = new Set(String(req.headers.connection ?? '').toLowerCase().split(',').map(name => name.trim()))
  const headers = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (FORWARDED.has(name)) continue
    if (!keepUpgrade && (HOP_BY_HOP.has(name) || listed.has(name))) continue
    headers[name] = value
  }
  headers['x-forwarded-for'] = clientAddress(req.socket)
  headers['x-forwarded-proto'] = 'http'
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host
  return headers
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        // Answered at once; the rest of the body is read and dropped.
        req.removeAllListeners('data')
        req.resume()
        reject(Object.assign(new Error('request body too large'), { status: 413 }))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Whether this error means the instance never got the request: try another one. */
function isRefused(error) {
  return ['ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND'].includes(error?.code)
}

/**
 * Starts the proxy. `targets` is a live array of `{ name, url }` (push or splice to change it).
 * `onRoute({ kind: 'http' | 'upgrade', target, method, url })` is called for each forwarded request.
 */
export async function startBalancer({ targets, port = 3000, host = '127.0.0.1', onRoute } = {}) {
  if (!Array.isArray(targets) || targets.length === 0) throw new Error('startBalancer: give at least one target')
  const agent = new Agent({ keepAlive: true, maxSockets: 256 })
  const sockets = new Set()
  const stats = new Map()
  let next = 0

  /** The instances in the order to try them for one request: round robin, each at most once. */
  function order() {
    const start = next++ % targets.length
    return targets.map((_, i) => targets[(start + i) % targets.length])
  }

  function count(target, kind) {
    const entry = stats.get(target.name) ?? { http: 0, upgrade: 0 }
    entry[kind]++
    stats.set(target.name, entry)
  }

  /** One attempt at one instance; rejects with the connection error if it never answered. */
  function forward(req, res, target, body, headers) {
    return new Promise((resolve, reject) => {
      const url = new URL(target.url)
      const attempt = (retried) => {
        const upstream = httpRequest({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers, agent })
        upstream.on('response', (answer) => {
          count(target, 'http')
          onRoute?.({ kind: 'http', target, method: req.method, url: req.url })
          const out = {}
          for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value
          out['x-served-by'] = target.name
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out)
          answer.pipe(res)
          answer.on('error', () => res.destroy())
          // Done when the client has it all, or has gone (then the instance's answer is dropped).
          res.on('close', () => {
            answer.destroy()
            resolve()
          })
        })
        upstream.on('error', (error) => {
          // A kept-alive connection the instance had just closed: once more on a fresh one (Node's advice).
          if (upstream.reusedSocket && error.code === 'ECONNRESET' && !retried && !res.headersSent) return attempt(true)
          if (res.headersSent) return res.destroy()
          reject(error)
        })
        upstream.end(body)
      }
      attempt(false)
    })
  }

  async function handleRequest(req, res) {
    let body
    try {
      body = await readBody(req)
    }
    catch (error) {
      res.writeHead(error.status ?? 400, { 'content-type': 'text/plain', 'connection': 'close' }).end(`${error.message}\n`)
      return
    }
    const headers = forwardHeaders(req, { keepUpgrade: false })
    if (body.length) headers['content-length'] = String(body.length)
    let lastError
    for (const target of order()) {
      try {
        await forward(req, res, target, body, headers)
        return
      }
      catch (error) {
        lastError = error
        if (!isRefused(error)) break
      }
    }
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`No instance answered (${lastError?.code ?? lastError?.message})\n`)
  }

  /** The handshake as the instance should receive it: the original request line and headers, ours overwritten. */
  function handshake(req) {
    const headers = forwardHeaders(req, { keepUpgrade: true })
    const lines = [`${req.method} ${req.url} HTTP/1.1`]
    for (const [name, value] of Object.entries(headers)) {
      for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item}`)
    }
    return `${lines.join('\r\n')}\r\n\r\n`
  }

  function handleUpgrade(req, client, head) {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    const candidates = order()
    const tryNext = () => {
      const target = candidates.shift()
      if (!target) {
        client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
      }
      const url = new URL(target.url)
      const upstream = connect({ host: url.hostname, port: Number(url.port) })
      sockets.add(upstream)
      upstream.on('close', () => sockets.delete(upstream))
      const onConnectError = (error) => {
        upstream.destroy()
        if (isRefused(error)) tryNext()
        else client.destroy()
      }
      upstream.once('error', onConnectError)
      upstream.once('connect', () => {
        upstream.off('error', onConnectError)
        count(target, 'upgrade')
        onRoute?.({ kind: 'upgrade', target, method: req.method, url: req.url })
        upstream.on('error', () => client.destroy())
        client.on('close', () => upstream.destroy())
        upstream.on('close', () => client.destroy())
        upstream.setNoDelay(true)
        client.setNoDelay(true)
        upstream.write(handshake(req))
        if (head?.length) upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
    }
    tryNext()
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch(() => res.destroy())
  })
  server.on('upgrade', handleUpgrade)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const address = server.address()
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${address.port}`,
    port: address.port,
    server,
    targets,
    /** name → { http, upgrade }: requests and sockets each instance took. */
    stats,
    /** Stops listening and ends every open connection, sockets included. */
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
        agent.destroy()
      })
    },
  }
}
