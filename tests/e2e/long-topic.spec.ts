// A 5,000-message topic in the browser: the list keeps a bounded number of rows in the DOM, pages
// older messages in as you scroll up with no jump of what you are reading, and "Jump to latest"
// comes back to the newest message. The topic is written straight into a database of its own (as
// bench/long-topic.mjs does), so this test runs its own server on E2E_PORT + 1.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { messages, waitForConnection } from './helpers'

const root = resolve(import.meta.dirname, '../..')
const COUNT = 5_000
const port = Number(process.env.E2E_PORT ?? 3210) + 1
const base = `http://127.0.0.1:${port}`

async function startApp(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, '.output/server/index.mjs')], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, GUESTS_PER_MINUTE_PER_IP: '10000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  // The server's warnings (a socket closed, a failed query) go with the test's output.
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[long-topic server] ${chunk}`))
  await expect.poll(() => fetch(`${base}/api/health`).then(r => r.status, () => 0), { timeout: 60_000 }).toBe(200)
  return child
}

async function stop(child: ChildProcess) {
  child.kill('SIGTERM')
  await new Promise(done => child.once('exit', done))
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`
const text = (i: number) => `Message ${i}: ${i % 3 ? 'a short one' : `a longer one with a list\n\n- first\n- second\n\n\`\`\`js\nconsole.log(${i})\n\`\`\``}`

/** Writes a topic of COUNT messages for the user, in order (and as one branch, if the schema has parents). */
async function seed(dataDir: string, userId: string): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite')
  const db = new PGlite(join(dataDir, 'pglite'))
  const topicId = id('tp')
  await db.query('insert into topics (id, owner_id, title, agent_id) values ($1, $2, $3, $4)', [topicId, userId, 'A very long topic', 'assistant'])
  const parents = (await db.query(`select 1 from information_schema.columns where table_name = 'messages' and column_name = 'parent_id'`)).rows.length > 0
  const ids = Array.from({ length: COUNT }, () => id('msg'))
  for (let start = 0; start < COUNT; start += 500) {
    const rows = Array.from({ length: Math.min(500, COUNT - start) }, (_, k) => start + k)
    const width = parents ? 5 : 4
    const values = rows.map((_, k) => `(${Array.from({ length: width }, (_, c) => `$${k * width + c + 1}`).join(', ')}, 'complete')`).join(', ')
    const params = rows.flatMap(i => [ids[i], topicId, i % 2 ? 'assistant' : 'user', text(i), ...(parents ? [i ? ids[i - 1] : null] : [])])
    await db.query(`insert into messages (id, topic_id, role, content${parents ? ', parent_id' : ''}, status) values ${values}`, params)
  }
  await db.close()
  return topicId
}

/** The message row at the top of the list's viewport: its number and where it is on screen. */
async function topRow(page: Page) {
  return page.getByTestId('message-list').evaluate((list) => {
    const box = list.getBoundingClientRect()
    const rows = [...list.querySelectorAll<HTMLElement>('[data-index]')]
    const row = rows.find(r => r.getBoundingClientRect().bottom > box.top + 8)!
    const number = Number(/Message (\d+):/.exec(row.textContent ?? '')?.[1])
    return { number, top: row.getBoundingClientRect().top, index: Number(row.dataset.index) }
  })
}

test('a 5,000-message topic scrolls from the bottom to the top with no jumps, then jumps to the latest', async ({ page }) => {
  test.setTimeout(240_000)
  const dataDir = join(root, 'tests/.tmp', `long-topic-${process.pid}-${Date.now()}`)
  mkdirSync(dataDir, { recursive: true })
  let app = await startApp(dataDir)
  try {
    await page.goto(`${base}/`)
    const me = await page.request.get(`${base}/api/auth/me`).then(r => r.json()) as { id: string }
    await stop(app)
    const topicId = await seed(dataDir, me.id)
    app = await startApp(dataDir)

    // Pages of history can be held back, so that the row being read is noted before one arrives.
    let holding = false
    const held: (() => void)[] = []
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer()
      // Which side closes a socket, and when: a reconnect in the middle of the scroll is what to look for.
      const openedAt = Date.now()
      server.onClose((code, reason) => console.log(`[long-topic] the server closed a socket (${code ?? 'no code'} ${reason ?? ''}) after ${Date.now() - openedAt} ms`))
      ws.onClose((code, reason) => console.log(`[long-topic] the page closed a socket (${code ?? 'no code'} ${reason ?? ''}) after ${Date.now() - openedAt} ms`))
      server.onMessage((message) => {
        if (holding && String(message).includes('"topic.history"')) held.push(() => ws.send(message))
        else ws.send(message)
      })
    })
    await page.goto(`${base}/t/${topicId}`)
    await expect(page.locator('html[data-hydrated=true]')).toBeAttached({ timeout: 20_000 })
    await waitForConnection(page)
    const list = page.getByTestId('message-list')
    await expect(messages(page).last()).toContainText(`Message ${COUNT - 1}:`)
    await expect(messages(page).last()).toBeInViewport()
    await expect(page.getByTestId('jump-to-latest')).toHaveCount(0)

    // The reader scrolls up by hand (a wheel): the list stops following the newest message.
    await list.hover()
    await page.mouse.wheel(0, -200)
    let previous = Number.POSITIVE_INFINITY
    let pages = 0
    let worstJump = 0
    const jumps: number[] = []
    for (let step = 0; step < 120; step++) {
      // Near the top of what is loaded, which asks for the next older page; the row read is noted
      // while its answer is held back.
      holding = true
      await list.evaluate((el) => {
        el.scrollTop = 300
      })
      await page.waitForTimeout(150)
      const before = await topRow(page)
      holding = false
      for (const send of held.splice(0)) send()
      expect(before.number, 'the list only ever moves back in time').toBeLessThanOrEqual(previous)
      previous = before.number
      if (before.number === 0) break
      // Once the page has arrived (the row's index grows), the row being read has not moved.
      let arrived = await expect.poll(async () => (await topRow(page)).index, { timeout: 10_000 }).toBeGreaterThan(before.index).then(() => true, () => false)
      // No page: the top of the topic, or a nudge the list did not take as a scroll (a busy machine
      // can coalesce it): one more nudge before concluding it is the top.
      if (!arrived && (await topRow(page)).number > 0) {
        await list.evaluate((el) => {
          el.scrollTop = 301
        })
        arrived = await expect.poll(async () => (await topRow(page)).index, { timeout: 12_000 }).toBeGreaterThan(before.index).then(() => true, () => false)
      }
      if (!arrived) {
        // The top of the topic: nothing older to load.
        await list.evaluate(el => el.scrollTo(0, 0))
        previous = (await topRow(page)).number
        break
      }
      pages++
      // The same message, wherever it is now.
      const after = await list.evaluate((el, number) => {
        const row = [...el.querySelectorAll<HTMLElement>('[data-index]')].find(r => r.textContent?.includes(`Message ${number}:`))
        return { number, top: row?.getBoundingClientRect().top ?? Number.NaN }
      }, before.number)
      worstJump = Math.max(worstJump, Math.abs(after.top - before.top))
      jumps.push(Math.round(after.top - before.top))
      // However long the topic, the DOM holds only the rows near the viewport.
      expect(await messages(page).count()).toBeLessThan(60)
    }
    // Every page put in front keeps the row being read where it was, to 2 px.
    expect(jumps.filter(jump => Math.abs(jump) > 2), 'movements of the row read when a page arrived').toEqual([])
    expect(previous).toBe(0)
    expect(pages).toBeGreaterThan(10)
    console.log(`${pages} pages loaded while scrolling up; largest movement of the row read: ${worstJump}px; movements: ${jumps.join(',')}`)
    await expect(messages(page).first()).toContainText('Message 0:')

    // Far from the newest messages: "Jump to latest" brings them back.
    await page.getByTestId('jump-to-latest').click()
    await expect(messages(page).last()).toContainText(`Message ${COUNT - 1}:`, { timeout: 15_000 })
    await expect(messages(page).last()).toBeInViewport()
    await expect(page.getByTestId('jump-to-latest')).toHaveCount(0)
  }
  finally {
    await stop(app).catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
  }
})
