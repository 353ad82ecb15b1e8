#!/usr/bin/env node
// Long topics: opening a topic of 5,000 messages (socket topic.open, first page, and the SSR of
// /t/<id>) against one of 50, in the same server (target: within 2×). The messages are written
// straight into the database (PGlite, server stopped) so that seeding takes seconds.
//
//   npm run build && node bench/long-topic.mjs [--long=5000] [--short=50] [--samples=30]
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { arg, fmt, freshDataDir, guestCookie, hardLimit, percentile, startApp, table } from './lib.mjs'

const long = Number(arg('long', '5000'))
const short = Number(arg('short', '50'))
const samples = Number(arg('samples', '30'))
const running = []
hardLimit(Number(arg('max-seconds', '300')), () => Promise.all(running.map(p => p.stop())))

const id = prefix => `${prefix}_${randomBytes(12).toString('base64url')}`
const text = i => `Message ${i}: **some markdown** with \`code\`, a [link](https://example.org/${i}) and a list:\n\n- one\n- two\n\n\`\`\`js\nconst n = ${i}\nconsole.log(n * 2)\n\`\`\``

async function seed(dataDir, userId) {
  const { PGlite } = await import('@electric-sql/pglite')
  const db = new PGlite(join(dataDir, 'pglite'))
  const topics = {}
  for (const [name, count] of [['short', short], ['long', long]]) {
    const topicId = id('tp')
    await db.query('insert into topics (id, owner_id, title, agent_id) values ($1, $2, $3, $4)', [topicId, userId, `${name} topic`, 'assistant'])
    // Each message follows the one before it (parent_id): one branch, as a conversation stores it.
    const ids = Array.from({ length: count }, () => id('msg'))
    for (let start = 0; start < count; start += 500) {
      const rows = Array.from({ length: Math.min(500, count - start) }, (_, k) => start + k)
      const values = rows.map((_, k) => `($${k * 5 + 1}, $${k * 5 + 2}, $${k * 5 + 3}, $${k * 5 + 4}, 'complete', $${k * 5 + 5})`).join(', ')
      const params = rows.flatMap(i => [ids[i], topicId, i % 2 ? 'assistant' : 'user', text(i), i ? ids[i - 1] : null])
      await db.query(`insert into messages (id, topic_id, role, content, status, parent_id) values ${values}`, params)
    }
    topics[name] = topicId
  }
  await db.close()
  return topics
}

function socketTimer(app, cookie) {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws`, { headers: { cookie, origin: app.url }, perMessageDeflate: false })
  let waiting = null
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data))
    if (frame.type === 'topic.history' && waiting) waiting(frame)
  })
  const ready = new Promise(done => ws.once('message', done))
  return {
    ready,
    open: topicId => new Promise((done) => {
      const t0 = performance.now()
      waiting = (frame) => {
        waiting = null
        done({ ms: performance.now() - t0, count: frame.payload.messages.length })
      }
      ws.send(JSON.stringify({ type: 'topic.open', payload: { topicId } }))
    }),
    close: () => ws.terminate(),
  }
}

async function median(times, work) {
  const list = []
  for (let i = 0; i < times; i++) list.push(await work())
  list.sort((a, b) => a - b)
  return { p50: percentile(list, 50), p90: percentile(list, 90) }
}

const dataDir = await freshDataDir()
let app = await startApp({ dataDir })
const cookie = await guestCookie(app.url)
const me = await fetch(`${app.url}/api/auth/me`, { headers: { cookie } }).then(r => r.json())
await app.stop()
const topics = await seed(dataDir, me.id)
app = await startApp({ dataDir })
running.push(app)

const socket = socketTimer(app, cookie)
await socket.ready
const results = {}
for (const name of ['short', 'long']) {
  // Warm: JIT, the statement cache and the server's markdown cache, as for any topic opened twice.
  for (let i = 0; i < 5; i++) await socket.open(topics[name])
  await fetch(`${app.url}/t/${topics[name]}`, { headers: { cookie } }).then(r => r.text())
  const open = await median(samples, async () => (await socket.open(topics[name])).ms)
  const ssr = await median(samples, async () => {
    const t0 = performance.now()
    const response = await fetch(`${app.url}/t/${topics[name]}`, { headers: { cookie } })
    await response.text()
    return performance.now() - t0
  })
  results[name] = { open, ssr }
}
socket.close()
await app.stop()

console.log(`\n### Long topics: ${long} messages against ${short}, median (p90) of ${samples}\n`)
table(['measure', `${short} messages ms`, `${long} messages ms`, `ratio (target ≤ 2)`], [
  ['socket topic.open (first page)', `${fmt(results.short.open.p50, 2)} (${fmt(results.short.open.p90, 2)})`, `${fmt(results.long.open.p50, 2)} (${fmt(results.long.open.p90, 2)})`, fmt(results.long.open.p50 / results.short.open.p50, 2)],
  ['SSR of /t/<id>', `${fmt(results.short.ssr.p50, 2)} (${fmt(results.short.ssr.p90, 2)})`, `${fmt(results.long.ssr.p50, 2)} (${fmt(results.long.ssr.p90, 2)})`, fmt(results.long.ssr.p50 / results.short.ssr.p50, 2)],
])
process.exit(0)
