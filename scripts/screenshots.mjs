#!/usr/bin/env node
// Takes the README's screenshots (docs/screenshots/*.png) from the built app: starts it on a fresh
// data dir, has a realistic conversation (a calculation, a code run, a summary) and photographs it
// on desktop and mobile, light and dark: the chat, both panels open on a phone (one with a topic's
// menu), the shortcuts' help and the settings page. Run `npx nuxt build` first.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from '@playwright/test'
import { chromiumArgs, findChromium } from './find-chromium.mjs'

const root = resolve(import.meta.dirname, '..')
const outDir = join(root, 'docs/screenshots')
const port = Number(process.env.PORT ?? 3290)
const baseURL = `http://127.0.0.1:${port}`
const executablePath = findChromium()
if (!existsSync(join(root, '.output/server/index.mjs')) || !executablePath) {
  console.error('Needs a build (`npx nuxt build`) and a Chromium (`apt-get install chromium` or CHROMIUM_PATH).')
  process.exit(1)
}

const conversation = [
  'What is 17.5% of 2,340?',
  'Can you run this?\n\n```js\nconst fib = n => n < 2 ? n : fib(n - 1) + fib(n - 2)\nconsole.log([...Array(12).keys()].map(fib).join(", "))\nconsole.log("fib(20) =", fib(20))\n```',
  '/summarize',
]
const otherTopics = ['Hello! What can you do?', '/calc sqrt(2) * 10 km to mile', 'What is 2^32 / 1024?']

async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'agent-chat-shots-'))
  const env = { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, BUILTIN_WORD_DELAY_MS: '5' }
  const server = spawn(process.execPath, [join(root, '.output/server/index.mjs')], { env, stdio: ['ignore', 'ignore', 'inherit'] })
  for (let i = 0; i < 240; i++) {
    if (await fetch(`${baseURL}/api/health`).then(r => r.ok, () => false)) break
    await new Promise(done => setTimeout(done, 250))
  }
  return () => {
    server.kill('SIGTERM')
    return new Promise(done => server.once('exit', done)).then(() => rmSync(dataDir, { recursive: true, force: true }))
  }
}

async function ready(page) {
  await page.locator('[data-testid=connection-status][data-status=open]').waitFor({ state: 'attached', timeout: 30_000 })
}

async function say(page, text) {
  const replies = page.locator('[data-testid=message][data-role=assistant]')
  const before = await replies.count()
  await page.getByTestId('composer-input').fill(text)
  await page.getByTestId('composer-input').press('Enter')
  await replies.nth(before).and(page.locator('[data-status=complete]')).waitFor({ timeout: 30_000 })
}

/** Creates the topics in one guest session and returns its cookies and the main topic's URL. */
async function converse(browser) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 860 } })
  const page = await context.newPage()
  for (const text of [...otherTopics, conversation[0]]) {
    await page.goto('/')
    await ready(page)
    await say(page, text)
    await page.waitForURL(/\/t\//)
  }
  for (const text of conversation.slice(1)) await say(page, text)
  const url = new URL(page.url()).pathname
  const state = await context.storageState()
  await context.close()
  return { state, url }
}

async function shoot(browser, { state, url }, name, { theme, mobile, openPanel, path, help, menu }) {
  const context = await browser.newContext({
    baseURL,
    storageState: state,
    colorScheme: theme,
    viewport: mobile ? { width: 390, height: 800 } : { width: 1400, height: 860 },
    deviceScaleFactor: mobile ? 2 : 1,
    isMobile: !!mobile,
    hasTouch: !!mobile,
  })
  await context.addInitScript(t => localStorage.setItem('agent-chat-theme', t), theme)
  const page = await context.newPage()
  await page.goto(path ?? url)
  if (path) await page.locator('html[data-hydrated=true]').waitFor({ state: 'attached' })
  else {
    await ready(page)
    await page.locator('[data-testid=task-card][data-status=completed]').first().waitFor({ state: 'attached' })
  }
  if (openPanel) {
    const side = openPanel === 'right' ? 'right' : 'left'
    await page.getByTestId(`toggle-${side}`).click()
    await page.locator(`[data-testid=${side === 'left' ? 'topic' : 'task'}-panel][data-overlay=true]`).waitFor()
  }
  if (menu) await page.getByTestId('topic-menu-button').first().click()
  if (help) {
    await page.keyboard.press('Control+/')
    await page.getByTestId('help-dialog').waitFor()
  }
  await page.mouse.move(0, 0)
  await page.waitForTimeout(600) // transitions and the message list's scroll settle
  await page.screenshot({ path: join(outDir, `${name}.png`) })
  console.log(`docs/screenshots/${name}.png`)
  await context.close()
}

const stopServer = await startServer()
const browser = await chromium.launch({ executablePath, args: chromiumArgs })
try {
  mkdirSync(outDir, { recursive: true })
  const session = await converse(browser)
  await shoot(browser, session, 'desktop-light', { theme: 'light' })
  await shoot(browser, session, 'desktop-dark', { theme: 'dark' })
  await shoot(browser, session, 'mobile-light', { theme: 'light', mobile: true })
  await shoot(browser, session, 'mobile-dark', { theme: 'dark', mobile: true })
  await shoot(browser, session, 'mobile-panel-open', { theme: 'light', mobile: true, openPanel: 'left' })
  await shoot(browser, session, 'mobile-panel-open-dark', { theme: 'dark', mobile: true, openPanel: 'left', menu: true })
  await shoot(browser, session, 'mobile-tasks-open-light', { theme: 'light', mobile: true, openPanel: 'right' })
  await shoot(browser, session, 'mobile-tasks-open-dark', { theme: 'dark', mobile: true, openPanel: 'right' })
  await shoot(browser, session, 'desktop-help-light', { theme: 'light', help: true })
  await shoot(browser, session, 'desktop-help-dark', { theme: 'dark', help: true })
  await shoot(browser, session, 'desktop-settings-light', { theme: 'light', path: '/settings' })
  await shoot(browser, session, 'desktop-settings-dark', { theme: 'dark', path: '/settings' })
  await shoot(browser, session, 'mobile-settings-light', { theme: 'light', mobile: true, path: '/settings' })
  await shoot(browser, session, 'mobile-settings-dark', { theme: 'dark', mobile: true, path: '/settings' })
}
finally {
  await browser.close()
  await stopServer()
}
