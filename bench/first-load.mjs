#!/usr/bin/env node
// First load in Chromium: the JavaScript a browser fetches to show `/` and `/t/<id>`, as transferred
// and as gzip would make it, and whether the server compresses it (target: under 150 KiB gzipped,
// served compressed). "First paint" counts the scripts fetched before the page's load event; "until
// idle" adds what loads after it (the socket's protocol, the markdown renderer, Shiki's grammars).
//
//   npm run build && node bench/first-load.mjs
//   node bench/first-load.mjs --url=http://127.0.0.1:3451   (a server you started, e.g. another build)
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { chromiumArgs, findChromium } from '../scripts/find-chromium.mjs'
import { arg, fmt, hardLimit, startApp, table } from './lib.mjs'

const running = []
hardLimit(Number(arg('max-seconds', '180')), () => Promise.all(running.map(p => p.stop())))

/** Every script a fresh page of `context` fetches until it is loaded, hydrated and connected. */
async function scriptsOf(context, url) {
  const page = await context.newPage()
  const scripts = []
  let loaded = false
  page.on('load', () => (loaded = true))
  page.on('response', async (response) => {
    if (response.request().resourceType() !== 'script') return
    const beforeLoad = !loaded
    const body = await response.body().catch(() => Buffer.alloc(0))
    const sizes = await response.request().sizes().catch(() => ({ responseBodySize: body.length }))
    scripts.push({ beforeLoad, url: response.url(), transferred: sizes.responseBodySize, raw: body.length, gzip: gzipSync(body, { level: 9 }).length, encoding: response.headers()['content-encoding'] ?? 'none' })
  })
  await page.goto(url, { waitUntil: 'load' })
  await page.locator('[data-testid=connection-status][data-status=open]').waitFor({ state: 'attached', timeout: 30_000 })
  await page.waitForLoadState('networkidle')
  await page.close()
  return scripts
}

function summary(path, scripts) {
  const sum = key => scripts.reduce((n, s) => n + s[key], 0)
  const largest = scripts.reduce((a, b) => (b.gzip > (a?.gzip ?? -1) ? b : a), null)
  const encodings = [...new Set(scripts.map(s => s.encoding))].join(', ')
  return [path, scripts.length, fmt(sum('raw') / 1024, 0), fmt(sum('transferred') / 1024, 0), fmt(sum('gzip') / 1024, 0), `${fmt((largest?.gzip ?? 0) / 1024, 0)} (${largest?.url.split('/').pop()})`, encodings]
}

const external = arg('url', '')
const app = external ? { url: external.replace(/\/$/, ''), stop: async () => {} } : await startApp()
running.push(app)
const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs })
const context = await browser.newContext()
const homeScripts = await scriptsOf(context, `${app.url}/`)
const cookie = (await context.cookies()).map(c => `${c.name}=${c.value}`).join('; ')
// A topic with a highlighted code block, so that the page needs what messages need.
const { default: WebSocket } = await import('ws')
const topicId = await new Promise((done, fail) => {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws`, { headers: { cookie, origin: app.url } })
  ws.once('error', fail)
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data))
    if (frame.type === 'session.ready') ws.send(JSON.stringify({ type: 'message.send', payload: { topicId: null, agentId: 'assistant', text: 'Run this:\n\n```js\nconsole.log([1, 2, 3].map(n => n * 2))\n```', clientMessageId: 'first-load' } }))
    if (frame.type === 'message.completed') {
      ws.close()
      done(frame.payload.message.topicId)
    }
  })
})
// A new context with the same cookie: a first visit of the topic page, nothing in the cache.
const second = await browser.newContext({ storageState: await context.storageState() })
const topicScripts = await scriptsOf(second, `${app.url}/t/${topicId}`)
await browser.close()
await app.stop()

console.log('\n### First load in Chromium: scripts until the page is hydrated and its socket open\n')
const firstPaint = scripts => scripts.filter(s => s.beforeLoad)
table(['page', 'scripts', 'raw KiB', 'transferred KiB', 'gzip KiB (target < 150)', 'largest, gzip KiB', 'content-encoding'], [
  summary('/ (first paint)', firstPaint(homeScripts)),
  summary('/t/<id> (first paint)', firstPaint(topicScripts)),
  summary('/ (until idle)', homeScripts),
  summary('/t/<id> (until idle)', topicScripts),
])
// --list: every script of the first paints, largest first (what to cut next).
if (process.argv.includes('--list')) {
  for (const [name, scripts] of [['/', homeScripts], ['/t/<id>', topicScripts]]) {
    console.log(`\n${name}, first paint:`)
    for (const s of firstPaint(scripts).sort((a, b) => b.gzip - a.gzip)) console.log(`  ${fmt(s.gzip / 1024, 1).padStart(6)} KiB gzip  ${s.url.split('/').pop()}`)
  }
}
process.exit(0)
