#!/usr/bin/env node
// Streaming cost: the app consuming N provider streams at once (one reply in each of N existing
// topics: storing the messages, running the agent, coalescing, saving, fanning out to the users' sockets), against a bare script that consumes the same N streams from the same fake provider
// through the AI SDK with no app around it. Compares CPU seconds (target: app ≤ 1.25× bare), and
// also against the same streams read by a minimal SSE reader alone (bench/servers/lean-consumer.mjs:
// what the app's own lean chat-completions client costs without the app around it), and
// checks every reply: all its text, deltas in seq order with no gap, and the latency each token
// gained between the provider's write and the client's receipt (target p99 < 50 ms below saturation).
//
// With --database-url (a Postgres server; the bench makes its own database bench_stream_cpu there)
// the app runs on Postgres instead of PGlite, and the table also counts the database's row writes
// and transactions per second during the timed replies (pg_stat_database): a reply's deltas are
// checkpointed in batches, never written one by one.
//
// With --instances=N (N > 1) the app runs as N processes on one Postgres and one Redis (the
// deployment topology; --database-url and --redis-url default to the machine's servers): every user
// has a socket on each instance and sends from one of them in turn, so each reply is generated on
// one instance and reaches the user's other sockets through the Redis bus. CPU is summed over the
// instances.
//
//   npm run build && node bench/stream-cpu.mjs [--replies=100,1000] [--rate=10] [--seconds=4]
//     [--database-url=postgres://…] [--instances=2 [--redis-url=redis://…]]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { askFake, now, startFakeProvider } from './fake-openai.mjs'
import { arg, cpuSeconds, fmt, guestCookie, hardLimit, percentile, root, sleep, startApp, table } from './lib.mjs'

const replyCounts = arg('replies', '100,1000').split(',').map(Number)
const rate = Number(arg('rate', '10'))
const seconds = Number(arg('seconds', '4'))
const REPLIES_PER_USER = 10
const running = []
hardLimit(Number(arg('max-seconds', '420')), () => Promise.all(running.map(p => p.stop())))

/** A bare consumer of the same streams: the AI SDK's streamText (the baseline) or the lean SSE reader. */
function bare(providerUrl, replies, offset, consumer = 'sdk-consumer') {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, `bench/servers/${consumer}.mjs`)], { env: { ...process.env, PROVIDER_URL: providerUrl, REPLIES: String(replies), OFFSET: String(offset) }, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', d => (out += d))
    child.once('exit', code => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`${consumer} exited ${code}`))))
  })
}

/** One socket of a user, collecting its replies' deltas (token index → arrival) and their ends. */
function userSocket(app, cookie) {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws`, { headers: { cookie, origin: app.url }, perMessageDeflate: false })
  const replies = new Map()
  const prompts = new Map()
  const state = { ws, replies, problems: [], topics: [] }
  state.ready = new Promise((done, fail) => {
    ws.once('error', fail)
    ws.on('message', (data) => {
      const at = now()
      const frame = JSON.parse(String(data))
      if (frame.type === 'session.ready') return done()
      if (frame.type === 'error') return state.problems.push(frame.payload.message)
      if (frame.type === 'topic.created') state.topics.push(frame.payload.topic.id)
      // Which fake stream feeds a reply: the provider keys its token times by the u<k> of the prompt,
      // and the reply's parent is that prompt.
      if (frame.type === 'message.created' && frame.payload.message.role === 'user') prompts.set(frame.payload.message.id, Number(/u(\d+)/.exec(frame.payload.message.content)?.[1]))
      if (frame.type === 'message.created' && frame.payload.message.role === 'assistant') replies.set(frame.payload.message.id, { seq: 0, text: '', arrivals: [], end: null, key: prompts.get(frame.payload.message.parentId) })
      if (frame.type === 'message.delta') {
        const reply = replies.get(frame.payload.messageId)
        if (!reply) return
        if (frame.payload.seq !== reply.seq + 1) state.problems.push(`seq ${frame.payload.seq} after ${reply.seq}`)
        reply.seq = frame.payload.seq
        reply.text += frame.payload.text
        for (const match of frame.payload.text.matchAll(/w(\d+) /g)) reply.arrivals.push([Number(match[1]), at])
      }
      if (frame.type === 'message.completed' || frame.type === 'message.failed') {
        const reply = replies.get(frame.payload.message.id)
        if (reply) reply.end = frame.payload.message
      }
    })
  })
  return state
}

/**
 * Sends one message per topic (a new topic when `topics` is null), each user from its sockets in
 * turn; resolves when every socket of every user has seen every reply end.
 */
async function sendAll(users, count, offset, topics) {
  for (const socket of users.flat()) socket.replies.clear()
  for (let i = 0; i < count; i++) {
    const user = users[Math.floor(i / REPLIES_PER_USER)]
    const socket = user[i % user.length]
    const topicId = topics ? user[0].topics[i % REPLIES_PER_USER] : null
    socket.ws.send(JSON.stringify({ type: 'message.send', payload: { topicId, agentId: 'bench', text: `bench u${offset + i}`, clientMessageId: `b-${offset + i}-${topics ? 2 : 1}` } }))
  }
  const expected = users.reduce((n, user, u) => n + user.length * Math.min(REPLIES_PER_USER, count - u * REPLIES_PER_USER), 0)
  const all = () => users.flat().flatMap(s => [...s.replies.values()])
  while (all().length < expected || all().some(r => !r.end)) await sleep(50)
}

/** A fresh database of the bench's own on the server of `adminUrl`, and a reader of its write counters. */
async function postgresDatabase(adminUrl) {
  const { default: pg } = await import('pg')
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query('drop database if exists bench_stream_cpu with (force)')
  await admin.query('create database bench_stream_cpu')
  const url = new URL(adminUrl)
  url.pathname = '/bench_stream_cpu'
  const counters = async () => {
    // The statistics collector publishes with a delay: ask for a fresh snapshot.
    await admin.query('select pg_stat_clear_snapshot()')
    const { rows } = await admin.query('select tup_inserted + tup_updated + tup_deleted as writes, xact_commit as commits from pg_stat_database where datname = $1', ['bench_stream_cpu'])
    return { writes: Number(rows[0].writes), commits: Number(rows[0].commits) }
  }
  return { url: url.toString(), counters, close: () => admin.end() }
}

async function appRun(apps, worker, replies, offset) {
  const count = Math.ceil(replies / REPLIES_PER_USER)
  const cookies = await Promise.all(Array.from({ length: count }, () => guestCookie(apps[0].url)))
  const users = cookies.map(cookie => apps.map(app => userSocket(app, cookie)))
  await Promise.all(users.flat().map(s => s.ready))
  // Untimed: the topics and their first exchange (which also names each topic after it).
  await sendAll(users, replies, offset, null)
  await sleep(1_000)
  const db0 = await database?.counters()
  const cpu0 = apps.reduce((sum, app) => sum + cpuSeconds(app.pid), 0)
  const t0 = now()
  await sendAll(users, replies, offset, true)
  const cpu = apps.reduce((sum, app) => sum + cpuSeconds(app.pid), 0) - cpu0
  const wall = (now() - t0) / 1000
  // Counters reach pg_stat_database within ~0.5 s of a transaction's end.
  await sleep(database ? 1_500 : 0)
  const db1 = await database?.counters()
  const writes = database ? { rows: (db1.writes - db0.writes) / wall, commits: (db1.commits - db0.commits) / wall } : null
  const { emits } = await askFake(worker, { type: 'emits' }, 'emits')
  const expected = Array.from({ length: rate * seconds }, (_, i) => `w${i} `).join('')
  const latencies = []
  let complete = 0
  const sockets = users.flat()
  for (const socket of sockets) {
    for (const reply of socket.replies.values()) {
      if (reply.end?.status === 'complete' && reply.end.content === expected && reply.text === expected) complete++
      else if (socket.problems.length < 5) socket.problems.push(`reply ${reply.end?.status} ${reply.end?.error?.code ?? ''}: ${reply.end?.content.length}/${expected.length} chars`)
    }
  }
  for (const socket of sockets) {
    for (const reply of socket.replies.values()) {
      const times = emits[reply.key]
      if (!times) {
        if (socket.problems.length < 5) socket.problems.push(`reply without its stream (u${reply.key})`)
        continue
      }
      for (const [i, at] of reply.arrivals) latencies.push(at - times[i])
    }
  }
  latencies.sort((a, b) => a - b)
  for (const socket of sockets) socket.ws.terminate()
  return { cpu, wall, complete: complete / apps.length, writes, problems: sockets.flatMap(s => s.problems), p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}

/** N app processes: one (PGlite, or Postgres with --database-url), or a cluster on Postgres and Redis. */
async function startApps(env) {
  if (instances === 1) return [await startApp({ env: { ...env, ...(database ? { DATABASE_URL: database.url } : {}) } })]
  const prefix = `bench-${process.pid}:`
  const first = await startApp({ env: { ...env, DATABASE_URL: database.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, INSTANCE_ID: 'bench-1' } })
  const rest = []
  for (let i = 2; i <= instances; i++) rest.push(await startApp({ env: { ...env, DATABASE_URL: database.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, INSTANCE_ID: `bench-${i}` } }))
  return [first, ...rest]
}

const { worker, port } = await startFakeProvider()
const providerUrl = `http://127.0.0.1:${port}/v1`
const dir = mkdtempSync(join(tmpdir(), 'stream-cpu-'))
const agentsFile = join(dir, 'agents.json')
writeFileSync(agentsFile, JSON.stringify([{ id: 'bench', name: 'Bench', provider: 'openai-compatible', model: 'bench-1', baseURL: providerUrl }]))
const instances = Number(arg('instances', '1'))
const redisUrl = arg('redis-url', 'redis://127.0.0.1:6379')
const databaseUrl = arg('database-url', instances > 1 ? 'postgres://postgres@127.0.0.1:5432/test' : '')
const database = databaseUrl ? await postgresDatabase(databaseUrl) : null
const apps = await startApps({ AGENTS_FILE: agentsFile })
running.push(...apps)
await askFake(worker, { type: 'config', config: { rate, tokens: rate * seconds } }, 'configured')

// Untimed warm-up of both (JIT, connection pools).
await bare(providerUrl, 20, 900_000)
await appRun(apps, worker, 20, 800_000)

const rows = []
let offset = 0
for (const replies of replyCounts) {
  offset += 10_000
  const b = await bare(providerUrl, replies, offset)
  offset += 10_000
  const lean = await bare(providerUrl, replies, offset, 'lean-consumer')
  offset += 10_000
  const a = await appRun(apps, worker, replies, offset)
  const dbColumn = a.writes ? [`${fmt(a.writes.rows, 0)} / ${fmt(a.writes.commits, 0)}`] : []
  rows.push([replies, `${rate}/s × ${seconds} s`, fmt(b.cpuSeconds, 2), fmt(a.cpu, 2), fmt(a.cpu / b.cpuSeconds, 2), fmt(lean.cpuSeconds, 2), fmt(a.cpu / lean.cpuSeconds, 2), fmt(b.wallSeconds, 1), fmt(a.wall, 1), `${fmt(a.p50, 1)} / ${fmt(a.p99, 1)}`, `${a.complete}/${replies}`, a.problems.length ? a.problems.slice(0, 3).join('; ') : 'none', ...dbColumn])
  console.error(`[stream-cpu] ${replies} replies: bare ${fmt(b.cpuSeconds, 2)} s CPU, app ${fmt(a.cpu, 2)} s CPU, ${a.complete}/${replies} complete`)
}
await Promise.all(apps.map(app => app.stop()))
await database?.close()
await worker.terminate()
rmSync(dir, { recursive: true, force: true })

const topology = instances > 1 ? ` (${instances} instances, Postgres and Redis; every user has a socket on each)` : database ? ' (on Postgres)' : ''
console.log(`\n### Streaming: CPU of the app${topology} against the AI SDK alone, same fake provider, same streams\n`)
table(['concurrent replies', 'tokens per reply', 'bare SDK CPU s', 'app CPU s', 'app ÷ bare (target ≤ 1.25)', 'lean SSE reader alone CPU s', 'app ÷ lean reader', 'bare wall s', 'app wall s', 'added latency p50 / p99 ms (target p99 < 50)', 'complete, exact text', 'seq gaps, errors', ...(database ? ['DB row writes / commits per s'] : [])], rows)
process.exit(0)
