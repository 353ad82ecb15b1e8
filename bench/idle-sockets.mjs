#!/usr/bin/env node
// Idle capacity: how much resident memory each idle, authenticated socket costs the app, against a
// bare crossws server holding the same number of plain sockets, and whether the last socket connects
// as fast as the first (time from the upgrade request to the first frame, session.ready for the app).
//
//   npm run build && node bench/idle-sockets.mjs [--sockets=10000] [--step=2500]
//
// Memory is read from /proc (VmRSS) after the sockets settle; the per-socket figure is the growth
// from the server's own baseline (its RSS before the first socket) divided by the sockets.
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { arg, fmt, freePort, guestCookie, hardLimit, rssKiB, sleep, startApp, startProcess, table } from './lib.mjs'

const total = Number(arg('sockets', '10000'))
const step = Number(arg('step', '2500'))
const running = []
hardLimit(Number(arg('max-seconds', '300')), () => Promise.all(running.map(p => p.stop())))

/** Opens one socket; resolves with it and the ms until its first frame (the app's session.ready). */
function open(url, headers, waitForFrame) {
  return new Promise((done, fail) => {
    const started = performance.now()
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers, perMessageDeflate: false })
    ws.once('error', fail)
    if (waitForFrame) ws.once('message', () => done({ ws, ms: performance.now() - started }))
    else ws.once('open', () => done({ ws, ms: performance.now() - started }))
  })
}

/** The inspector of a process started with --inspect=127.0.0.1:0, to collect its garbage before a reading. */
async function inspector(output) {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1]
  if (!url) return null
  const ws = new WebSocket(url)
  await new Promise((done, fail) => {
    ws.once('open', done)
    ws.once('error', fail)
  })
  let id = 0
  return (method) => {
    const callId = ++id
    ws.send(JSON.stringify({ id: callId, method }))
    return new Promise(done => ws.on('message', function onMessage(data) {
      if (JSON.parse(String(data)).id !== callId) return
      ws.off('message', onMessage)
      done()
    }))
  }
}

async function settle(target) {
  // Let the server finish what the connections started, collect its garbage, then read its memory:
  // what the sockets hold, not what opening them left for the next collection.
  await sleep(1_000)
  await target.gc?.('HeapProfiler.collectGarbage')
  await sleep(1_000)
  return rssKiB(target.pid)
}

async function fill(target, headersFor) {
  const sockets = []
  const points = []
  const before = await settle(target)
  const firsts = []
  for (let i = 0; i < 5; i++) {
    const one = await open(target.url, headersFor(i), target.app)
    firsts.push(one.ms)
    sockets.push(one.ws)
  }
  while (sockets.length < total) {
    const batch = Math.min(200, total - sockets.length, step - (sockets.length % step) || step)
    const opened = await Promise.all(Array.from({ length: batch }, (_, j) => open(target.url, headersFor(sockets.length + j), target.app)))
    const before = sockets.length
    sockets.push(...opened.map(o => o.ws))
    if (Math.floor(sockets.length / step) > Math.floor(before / step) || sockets.length === total) points.push({ sockets: sockets.length, rss: await settle(target) })
  }
  const lasts = []
  for (let i = 0; i < 5; i++) {
    const one = await open(target.url, headersFor(sockets.length), target.app)
    lasts.push(one.ms)
    sockets.push(one.ws)
  }
  for (const ws of sockets) ws.terminate()
  const median = list => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]
  return { before, points, first: median(firsts), last: median(lasts) }
}

async function baseline() {
  const port = await freePort()
  const server = startProcess([new URL('./servers/crossws-echo.mjs', import.meta.url).pathname], { env: { PORT: String(port) }, ready: out => /Listening/.test(out), nodeArgs: ['--inspect=127.0.0.1:0'] })
  running.push(server)
  await server.started
  const result = await fill({ url: `http://127.0.0.1:${port}`, pid: server.pid, app: false, gc: await inspector(server.output) }, () => ({}))
  await server.stop()
  return result
}

async function app() {
  // --database-url: the app on Postgres, to tell the embedded database's memory from the sockets'.
  const databaseUrl = arg('database-url', '')
  const server = await startApp({ env: databaseUrl ? { DATABASE_URL: databaseUrl } : {}, nodeArgs: ['--inspect=127.0.0.1:0'] })
  running.push(server)
  const cookies = await Promise.all(Array.from({ length: 100 }, () => guestCookie(server.url)))
  const result = await fill({ url: server.url, pid: server.pid, app: true, gc: await inspector(server.output) }, i => ({ cookie: cookies[i % cookies.length], origin: server.url }))
  await server.stop()
  return result
}

const bare = await baseline()
const ours = await app()
const perSocket = (run, point) => (point.rss - run.before) / point.sockets
const rows = ours.points.map((point, i) => {
  const b = bare.points[i]
  return [point.sockets, fmt(b.rss / 1024, 0), fmt(point.rss / 1024, 0), fmt(perSocket(bare, b), 2), fmt(perSocket(ours, point), 2)]
})
console.log(`\n### Idle sockets: resident memory (server baseline before the first socket: crossws ${fmt(bare.before / 1024, 0)} MiB, app ${fmt(ours.before / 1024, 0)} MiB)\n`)
table(['sockets', 'crossws RSS MiB', 'app RSS MiB', 'crossws KiB per socket', 'app KiB per socket (target ≤ 12)'], rows)
console.log(`\nConnect time (median of 5, upgrade to first frame): app first ${fmt(ours.first, 2)} ms, after ${total} sockets ${fmt(ours.last, 2)} ms (ratio ${fmt(ours.last / ours.first, 2)}); crossws ${fmt(bare.first, 2)} / ${fmt(bare.last, 2)} ms.`)
process.exit(0)
