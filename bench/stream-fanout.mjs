#!/usr/bin/env node
// Fan-out benchmark: many sockets, several per user, each user streaming one reply from a fake
// OpenAI-compatible provider at a fixed token rate, through the built server.
//
//   npm run build && node bench/stream-fanout.mjs [--rates=300,1000] [--sockets=50,200]
//                                                  [--per-user=5] [--seconds=3] [--max-seconds=300]
//
// The fake provider runs in a worker thread (its own event loop, so its token timing does not
// suffer from the clients' work) and records when it wrote each token. Each token's text carries
// its index ("w17 "), so a client can tell, for every delta, which tokens it brings and how long
// after their emission they arrived: the latency the server adds (SSE parsing, the AI SDK, delta
// coalescing, fan-out, the socket) on top of the provider's own inter-token timing.
// Loopback only; everything stops by itself (a hard limit kills it all after --max-seconds).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { askFake, now, startFakeProvider } from './fake-openai.mjs'
import WebSocket from 'ws'

// -- the benchmark (main thread) ------------------------------------------------------------------

function option(name, fallback) {
  const arg = process.argv.find(a => a.startsWith(`--${name}=`))
  return arg ? arg.slice(name.length + 3) : fallback
}

function percentile(sorted, p) {
  if (!sorted.length) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

const sleep = ms => new Promise(done => setTimeout(done, ms))

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    // utime and stime, fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100
  }
  catch {
    return Number.NaN
  }
}

async function startApp(root, env) {
  const child = spawn(process.execPath, [join(root, '.output/server/index.mjs')], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (data) => {
    output = (output + data).slice(-20_000)
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const port = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start in 120 s:\n${output}`)), 120_000)
    const check = () => {
      const match = /Listening on https?:\/\/[^\s:]+:(\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        done(Number(match[1]))
      }
    }
    child.stdout.on('data', check)
    child.stderr.on('data', check)
    child.once('exit', code => fail(new Error(`the server exited (${code}):\n${output}`)))
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    const status = await fetch(`${url}/api/health`).then(r => r.status, () => 0)
    if (status === 200) break
    if (i > 600) throw new Error(`the server is not healthy:\n${output}`)
    await sleep(100)
  }
  return { child, url, output: () => output }
}

async function newUser(url) {
  const response = await fetch(`${url}/`)
  await response.arrayBuffer()
  const cookie = response.headers.getSetCookie().map(c => c.split(';')[0]).find(c => c.startsWith('agent_chat_session='))
  if (!cookie) throw new Error(`GET / set no session cookie (${response.status})`)
  return cookie
}

/** An open socket that counts what it receives and notes, per delta of its user's reply, the tokens in it. */
function openSocket(url, cookie, user) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { cookie, origin: url } })
  const socket = { ws, user, frames: 0, bytes: 0, deltas: 0, arrivals: [], replyId: null, done: null, text: '', errors: [] }
  let markDone
  socket.done = new Promise(done => (markDone = done))
  const ready = new Promise((done, fail) => {
    ws.once('error', fail)
    ws.on('message', (data) => {
      const at = now()
      socket.frames++
      socket.bytes += data.length
      const frame = JSON.parse(data.toString())
      switch (frame.type) {
        case 'session.ready':
          done()
          break
        case 'message.created':
          if (frame.payload.message.role === 'assistant') socket.replyId = frame.payload.message.id
          break
        case 'message.delta':
          if (frame.payload.messageId !== socket.replyId) break
          socket.deltas++
          for (const match of frame.payload.text.matchAll(/w(\d+) /g)) socket.arrivals.push([Number(match[1]), at])
          break
        case 'message.completed':
        case 'message.failed':
          if (frame.payload.message.id !== socket.replyId) break
          socket.status = frame.payload.message.status
          socket.text = frame.payload.message.content
          socket.finishedAt = at
          markDone()
          break
        case 'error':
          socket.errors.push(frame.payload)
          break
      }
    })
  })
  return { socket, ready }
}

async function scenario(app, worker, { rate, sockets, perUser, seconds }) {
  const users = Math.max(1, Math.round(sockets / perUser))
  const tokens = Math.round(rate * seconds)
  await askFake(worker, { type: 'config', config: { rate, tokens } }, 'configured')

  const cookies = await Promise.all(Array.from({ length: users }, () => newUser(app.url)))
  const opened = []
  for (let u = 0; u < users; u++) {
    for (let s = 0; s < perUser; s++) opened.push(openSocket(app.url, cookies[u], u))
  }
  await Promise.all(opened.map(o => o.ready))
  const all = opened.map(o => o.socket)
  const firstOf = u => all.find(s => s.user === u)

  const startedAt = now()
  const cpuBefore = cpuSeconds(app.child.pid)
  for (let u = 0; u < users; u++) {
    firstOf(u).ws.send(JSON.stringify({ type: 'message.send', payload: { topicId: null, agentId: 'bench', text: `bench ${rate}/s ${sockets} sockets u${u}`, clientMessageId: `bench-${rate}-${sockets}-${u}` } }))
  }
  await Promise.all(all.map(s => s.done))
  const endedAt = Math.max(...all.map(s => s.finishedAt))
  const serverCpu = cpuSeconds(app.child.pid) - cpuBefore
  const load = loadavg()[0]
  const { emits } = await askFake(worker, { type: 'emits' }, 'emits')

  const expected = Array.from({ length: tokens }, (_, i) => `w${i} `).join('')
  const latencies = []
  // Tokens emitted one second or more into their reply: past the burst of 'everyone sends at once'.
  const steady = []
  for (const socket of all) {
    const times = emits[String(socket.user)]
    for (const [i, at] of socket.arrivals) {
      latencies.push(at - times[i])
      if (times[i] - times[0] >= 1000) steady.push(at - times[i])
    }
  }
  latencies.sort((a, b) => a - b)
  steady.sort((a, b) => a - b)
  const gaps = []
  for (const times of Object.values(emits)) {
    for (let i = 1; i < times.length; i++) gaps.push(times[i] - times[i - 1])
  }
  gaps.sort((a, b) => a - b)
  const window = (endedAt - startedAt) / 1000
  const result = {
    rate,
    sockets,
    users,
    tokens,
    // The role chunk, one per token, the finish chunk, the usage chunk and [DONE].
    upstreamChunks: tokens + 4,
    deltasPerReply: all.reduce((n, s) => n + s.deltas, 0) / all.length,
    framesPerSecond: all.reduce((n, s) => n + s.frames, 0) / window,
    bytesPerSecond: all.reduce((n, s) => n + s.bytes, 0) / window,
    window,
    serverCpu: serverCpu / ((endedAt - startedAt) / 1000),
    cpuPerChunk: (serverCpu / (users * (tokens + 4))) * 1e6,
    load,
    latency: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) },
    steady: { p50: percentile(steady, 50), p95: percentile(steady, 95), p99: percentile(steady, 99) },
    gap: { p50: percentile(gaps, 50), p95: percentile(gaps, 95), p99: percentile(gaps, 99) },
    complete: all.filter(s => s.status === 'complete' && s.text === expected).length,
    deliveries: latencies.length,
    errors: all.reduce((n, s) => n + s.errors.length, 0),
  }
  await Promise.all(all.map(s => new Promise((done) => {
    s.ws.once('close', done)
    s.ws.close()
  })))
  return result
}

const ms = value => (Number.isFinite(value) ? value.toFixed(1) : '-')

function table(results) {
  const head = ['tokens/s', 'sockets (users×per user)', 'tokens/reply', 'upstream chunks/reply', 'delta frames/reply', 'frames/s to clients', 'payload KiB/s', 'added latency p50 / p95 / p99 / max (ms)', 'same, after the first second p50 / p95 / p99 (ms)', 'provider gap p50 / p95 / p99 (ms)', 'complete', 'time (s)', 'server CPU', 'server CPU µs per upstream chunk', 'load avg']
  const rows = results.map(r => [
    r.rate,
    `${r.sockets} (${r.users}×${r.sockets / r.users})`,
    r.tokens,
    r.upstreamChunks,
    r.deltasPerReply.toFixed(1),
    Math.round(r.framesPerSecond),
    Math.round(r.bytesPerSecond / 1024),
    `${ms(r.latency.p50)} / ${ms(r.latency.p95)} / ${ms(r.latency.p99)} / ${ms(r.latency.max)}`,
    `${ms(r.steady.p50)} / ${ms(r.steady.p95)} / ${ms(r.steady.p99)}`,
    `${ms(r.gap.p50)} / ${ms(r.gap.p95)} / ${ms(r.gap.p99)}`,
    `${r.complete}/${r.sockets}`,
    r.window.toFixed(2),
    Number.isFinite(r.serverCpu) ? `${Math.round(r.serverCpu * 100)} %` : '-',
    Number.isFinite(r.cpuPerChunk) ? Math.round(r.cpuPerChunk) : '-',
    r.load.toFixed(1),
  ].map(String))
  const line = cells => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

async function main() {
  const root = resolve(import.meta.dirname, '..')
  if (!existsSync(join(root, '.output/server/index.mjs'))) {
    console.error('No build: run `npm run build` first.')
    process.exit(1)
  }
  const rates = option('rates', '300,1000').split(',').map(Number)
  const socketCounts = option('sockets', '50,200').split(',').map(Number)
  const perUser = Number(option('per-user', '5'))
  const seconds = Number(option('seconds', '3'))
  const maxSeconds = Number(option('max-seconds', '300'))

  const dir = mkdtempSync(join(tmpdir(), 'stream-fanout-'))
  const { worker, port } = await startFakeProvider()
  let app
  const cleanup = () => {
    app?.child.kill('SIGKILL')
    void worker.terminate()
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = setTimeout(() => {
    console.error(`Stopped: the benchmark ran longer than ${maxSeconds} s.`)
    cleanup()
    process.exit(2)
  }, maxSeconds * 1000)

  try {
    const agentsFile = join(dir, 'agents.json')
    writeFileSync(agentsFile, JSON.stringify([{ id: 'bench', name: 'Bench', provider: 'openai-compatible', model: 'bench-1', baseURL: `http://127.0.0.1:${port}/v1` }]))
    console.log(`fake provider on 127.0.0.1:${port}; starting the server (fresh DATA_DIR)…`)
    app = await startApp(root, { DATA_DIR: join(dir, 'data'), AGENTS_FILE: agentsFile })
    console.log(`server on ${app.url}`)

    // Untimed: the server's first replies pay for JIT compilation and cold caches.
    await scenario(app, worker, { rate: 300, sockets: 10, perUser: 5, seconds: 1 })
    const results = []
    for (const rate of rates) {
      for (const sockets of socketCounts) {
        const result = await scenario(app, worker, { rate, sockets, perUser, seconds })
        console.log(`${rate} tokens/s, ${sockets} sockets: ${result.complete}/${sockets} complete, ${result.deltasPerReply.toFixed(1)} deltas per reply, latency p50 ${ms(result.latency.p50)} ms, p99 ${ms(result.latency.p99)} ms`)
        results.push(result)
        await sleep(500)
      }
    }
    console.log(`\nnode ${process.version}, ${cpus().length} CPUs, ${seconds} s of tokens per reply, ${perUser} sockets per user; latency = arrival at the client − emission by the provider, per token and socket\n`)
    console.log(table(results))
    const incomplete = results.filter(r => r.complete !== r.sockets || r.errors)
    if (incomplete.length) {
      console.error('\nSome replies did not complete with the full text, or errors came back:', JSON.stringify(incomplete.map(r => ({ rate: r.rate, sockets: r.sockets, complete: r.complete, errors: r.errors }))))
      process.exitCode = 1
    }
  }
  finally {
    clearTimeout(deadline)
    cleanup()
  }
}

await main()
