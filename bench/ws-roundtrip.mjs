#!/usr/bin/env node
// Socket round trips: N sockets each sending ping and waiting for pong, in a closed loop, against
// the built app (authenticated, through the whole stack: session, origin, rate limiter, zod, the
// socket's frame queue), a bare crossws server (JSON in, JSON out) and a bare Socket.IO 4 server,
// one after the other in one run. Prints throughput, latency and the server's CPU per round trip,
// with the app's ratios to both baselines and the targets of issue 10.
//
//   npm run build && node bench/ws-roundtrip.mjs [--sockets=100,1000] [--seconds=5] [--rounds=2]
//
// The app's frame limits are raised by env (WS_RATE_PER_SECOND, WS_RATE_BURST): the limiter still
// runs on every frame, it just never refuses. Loopback only; a hard limit stops everything.
import { performance } from 'node:perf_hooks'
import { io } from 'socket.io-client'
import WebSocket from 'ws'
import { arg, cpuSeconds, fmt, freePort, guestCookie, hardLimit, percentile, sleep, startApp, startProcess, table } from './lib.mjs'

const socketCounts = arg('sockets', '100,1000').split(',').map(Number)
const seconds = Number(arg('seconds', '5'))
const rounds = Number(arg('rounds', '2'))
const WARMUP_MS = 1_500
const running = []
hardLimit(Number(arg('max-seconds', '300')), () => Promise.all(running.map(p => p.stop())))

async function startBaseline(file) {
  const port = await freePort()
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const server = startProcess([new URL(`./servers/${file}`, import.meta.url).pathname], { env: { PORT: String(port) }, ready: out => /Listening/.test(out), nodeArgs })
  await server.started
  return { ...server, url: `http://127.0.0.1:${port}` }
}

/** Opens `count` plain WebSockets; for the app (`headers`: cookie, origin) each waits for its session.ready. */
async function openWs(url, count, headers) {
  const sockets = []
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => new Promise((done, fail) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers: headers?.(i + j), perMessageDeflate: false })
      if (headers) ws.once('message', () => done(ws))
      else ws.once('open', () => done(ws))
      ws.once('error', fail)
    }))
    sockets.push(...await Promise.all(batch))
  }
  return sockets
}

const PING = JSON.stringify({ type: 'ping', payload: {} })

/** Drives plain WebSockets: each sends a ping, and the next one when its pong (any frame named pong) arrives. */
function wsDriver(sockets) {
  return {
    start(onPong) {
      for (const ws of sockets) {
        let sentAt = 0
        ws.on('message', (data) => {
          if (!String(data).includes('"pong"')) return
          onPong(performance.now() - sentAt)
          sentAt = performance.now()
          ws.send(PING)
        })
        sentAt = performance.now()
        ws.send(PING)
      }
    },
    stop: () => sockets.forEach(ws => ws.terminate()),
  }
}

async function socketIoDriver(url, count) {
  const sockets = []
  for (let i = 0; i < count; i += 50) {
    sockets.push(...await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => new Promise((done, fail) => {
      const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
      socket.once('connect', () => done(socket))
      socket.once('connect_error', fail)
    }))))
  }
  return {
    start(onPong) {
      for (const socket of sockets) {
        let sentAt = 0
        socket.on('app:pong', () => {
          onPong(performance.now() - sentAt)
          sentAt = performance.now()
          socket.emit('app:ping', {})
        })
        sentAt = performance.now()
        socket.emit('app:ping', {})
      }
    },
    stop: () => sockets.forEach(socket => socket.disconnect()),
  }
}

/** Runs the closed loop; measures after a warm-up. */
async function measure(driver, pid) {
  let counting = false
  const latencies = []
  let count = 0
  driver.start((ms) => {
    if (!counting) return
    count++
    if (latencies.length < 2_000_000) latencies.push(ms)
  })
  await sleep(WARMUP_MS)
  counting = true
  const cpu0 = cpuSeconds(pid)
  const t0 = performance.now()
  await sleep(seconds * 1000)
  counting = false
  const elapsed = (performance.now() - t0) / 1000
  const cpu = cpuSeconds(pid) - cpu0
  driver.stop()
  latencies.sort((a, b) => a - b)
  return { perSecond: count / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuUsPerTrip: (cpu / count) * 1e6, cpuShare: cpu / elapsed }
}

async function runTarget(name, count) {
  console.error(`[ws-roundtrip] ${name}, ${count} sockets…`)
  if (name === 'app') {
    const app = await startApp()
    running.push(app)
    // A few users, many sockets each: a round trip is the same work whoever sends it.
    const cookies = await Promise.all(Array.from({ length: Math.min(10, count) }, () => guestCookie(app.url)))
    const sockets = await openWs(app.url, count, i => ({ cookie: cookies[i % cookies.length], origin: app.url }))
    const result = await measure(wsDriver(sockets), app.pid)
    await app.stop()
    return result
  }
  const server = await startBaseline(name === 'crossws' ? 'crossws-echo.mjs' : 'socketio-echo.mjs')
  running.push(server)
  const driver = name === 'crossws' ? wsDriver(await openWs(server.url, count)) : await socketIoDriver(server.url, count)
  const result = await measure(driver, server.pid)
  await server.stop()
  return result
}

const rows = []
for (const count of socketCounts) {
  for (let round = 1; round <= rounds; round++) {
    const results = {}
    for (const name of ['crossws', 'socket.io', 'app']) results[name] = await runTarget(name, count)
    const { app, crossws, 'socket.io': sio } = results
    rows.push([
      count, round,
      fmt(crossws.perSecond, 0), fmt(sio.perSecond, 0), fmt(app.perSecond, 0),
      fmt(app.perSecond / crossws.perSecond, 2), fmt(app.perSecond / sio.perSecond, 2),
      `${fmt(crossws.p99, 1)} / ${fmt(app.p99, 1)}`, fmt(app.p99 / crossws.p99, 2),
      `${fmt(crossws.cpuUsPerTrip, 1)} / ${fmt(sio.cpuUsPerTrip, 1)} / ${fmt(app.cpuUsPerTrip, 1)}`,
    ])
    console.error(`[ws-roundtrip] ${count} sockets, round ${round}: app ${fmt(app.perSecond, 0)}/s, crossws ${fmt(crossws.perSecond, 0)}/s, socket.io ${fmt(sio.perSecond, 0)}/s`)
  }
}

console.log(`\n### Socket round trip (ping → pong), ${seconds} s per target, closed loop\n`)
table(
  ['sockets', 'round', 'crossws /s', 'socket.io /s', 'app /s', 'app ÷ crossws (target ≥ 0.85)', 'app ÷ socket.io (target ≥ 1.2)', 'p99 ms crossws / app', 'p99 ratio (target ≤ 1.3)', 'server CPU µs per round trip crossws / socket.io / app'],
  rows,
)
process.exit(0)
