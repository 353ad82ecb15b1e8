// `npm run dev` as a newcomer meets it: a fresh clone, `npm ci`, the dev server, a browser. Reloads
// while a reply streams and tabs closed while they connect must not crash or restart the process,
// and the page must hydrate with no console error and no Vue warning (hydration mismatches included).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startSlowProvider } from '../e2e/support/slow-provider.mjs'

const root = resolve(import.meta.dirname, '../..')
const CRASH = /unhandledRejection|uncaughtException|Restarting Nuxt|ECONNRESET|EPIPE|handleUpgrade\(\) was called|Nuxt Nitro server built in[\s\S]*Nuxt Nitro server built in/

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** A clone of the repository with the working tree's uncommitted changes on top (none in CI). */
function freshClone(): string {
  const dir = join(mkdtempSync(join(root, 'tests/.tmp/dev-')), 'app')
  git(root, 'clone', '--quiet', '--no-hardlinks', root, dir)
  const diff = git(root, 'diff', 'HEAD', '--binary')
  if (diff.trim()) {
    const patch = join(dirname(dir), 'worktree.patch')
    writeFileSync(patch, diff)
    git(dir, 'apply', '--whitespace=nowarn', patch)
  }
  for (const file of git(root, 'ls-files', '--others', '--exclude-standard', '-z').split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    cpSync(join(root, file), join(dir, file))
  }
  return dir
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

let dir: string
let dev: ChildProcess
let output = ''
let baseURL: string

test.beforeAll(async () => {
  test.setTimeout(420_000)
  dir = freshClone()
  const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } })
  expect(install.status, `npm ci failed:\n${install.stdout}\n${install.stderr}`).toBe(0)

  const agentsFile = join(dir, 'agents.json')
  writeFileSync(agentsFile, JSON.stringify([{ id: 'slow', name: 'Slow stream', provider: 'openai-compatible', model: 'slow', baseURL: await startSlowProvider() }]))
  const port = await freePort()
  baseURL = `http://localhost:${port}`
  dev = spawn('npm', ['run', 'dev', '--', '--port', String(port)], {
    cwd: dir,
    env: { ...process.env, CI: 'true', NODE_ENV: 'development', DATA_DIR: join(dir, '.data'), AGENTS_FILE: agentsFile, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  dev.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  dev.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  // The first request builds the app; wait until the page itself answers.
  mark('installed')
  await expect.poll(async () => fetch(baseURL).then(r => r.status, () => 0), { timeout: 240_000, intervals: [1000] }).toBe(200)
  mark('dev server answers')
})

test.afterAll(async () => {
  if (dev?.pid && dev.exitCode === null) {
    process.kill(-dev.pid, 'SIGTERM')
    await new Promise(done => setTimeout(done, 1500))
    try {
      process.kill(-dev.pid, 'SIGKILL')
    }
    catch {
      // already gone
    }
  }
  if (dir) rmSync(dirname(dir), { recursive: true, force: true })
})

// Playwright wants a destructuring pattern here even when no fixture is used.
// eslint-disable-next-line no-empty-pattern
test.afterEach(({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.log(`--- npm run dev output (last 6000 characters) ---\n${output.slice(-6000)}`)
})

/** Collects console errors, Vue warnings and page errors of a page. */
function watchConsole(page: Page, problems: string[]) {
  page.on('console', (message) => {
    const text = message.text()
    if (message.type() === 'error' || /\[Vue warn\]|Hydration/i.test(text)) problems.push(`${message.type()}: ${text}`)
  })
  page.on('pageerror', error => problems.push(`pageerror: ${error.message}`))
}

const t0 = Date.now()
function mark(what: string) {
  console.log(`[dev test] +${((Date.now() - t0) / 1000).toFixed(1)} s ${what}`)
}

/** A step that must not hang: fails after `ms` with the step's name. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms)))
  try {
    return await Promise.race([work, timeout])
  }
  finally {
    clearTimeout(timer)
  }
}

async function connected(page: Page) {
  await expect(page.locator('[data-testid=connection-status][data-status=open]')).toBeAttached({ timeout: 60_000 })
  mark('connected')
}

test('the dev server survives reloads mid-reply and tabs closed while connecting, with clean hydration', async ({ page, context }) => {
  test.setTimeout(300_000)
  const problems: string[] = []
  watchConsole(page, problems)
  mark('first page')
  await page.goto(baseURL, { waitUntil: 'commit' })
  await connected(page)
  await page.getByTestId('agent-picker').selectOption('slow')
  await page.getByTestId('composer-input').fill('Keep talking')
  await page.getByTestId('composer-input').press('Enter')
  await expect(page).toHaveURL(/\/t\//, { timeout: 30_000 })

  for (let i = 0; i < 3; i++) {
    await expect(page.locator('[data-testid=message][data-role=assistant][data-status=streaming]')).toHaveCount(1, { timeout: 30_000 })
    await expect(page.locator('[data-testid=message][data-role=assistant] [data-testid=message-content]').last()).toContainText('word', { timeout: 30_000 })
    mark(`reload ${i + 1}`)
    await page.reload({ waitUntil: 'commit' })
    await connected(page)
  }
  // Still streaming after the reloads: the reply went on without its sockets.
  await expect(page.locator('[data-testid=message][data-role=assistant][data-status=streaming]')).toHaveCount(1)
  await page.getByTestId('stop').click()
  await expect(page.locator('[data-testid=message][data-role=assistant]').last()).toHaveAttribute('data-status', 'stopped')

  mark('tabs')
  for (const wait of [50, 200, 600, 1200]) {
    const tab = await within(20_000, 'opening a tab', context.newPage())
    void tab.goto(baseURL).catch(() => {})
    await new Promise(done => setTimeout(done, wait))
    await within(20_000, `closing a tab after ${wait} ms`, tab.close())
    mark(`tab closed after ${wait} ms`)
  }
  await page.waitForTimeout(3000)
  // The page still works after all that: a new chat on the built-in agent gets its answer.
  mark('new chat')
  await page.goto(baseURL, { waitUntil: 'commit' })
  await connected(page)
  await page.getByTestId('composer-input').fill('What is 6 * 7?')
  await page.getByTestId('composer-input').press('Enter')
  await expect(page.locator('[data-testid=message][data-role=assistant]').last()).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })

  expect(dev.exitCode, output).toBeNull()
  expect(output).not.toMatch(CRASH)
  expect(problems).toEqual([])
})
