// A server outage in the middle of a reply, as the person sees it: the text so far stays on screen,
// the reply and the composer say the connection is gone (no typing dots, no Stop that cannot reach
// the server, no Send), and after the restart the reply ends as failed ("interrupted") with every
// word that was already shown kept above the failure. This test runs its own server so it can kill it.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { messages, waitForConnection } from './helpers'
import { startSlowProvider } from './support/slow-provider.mjs'

const root = resolve(import.meta.dirname, '../..')

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

async function startApp(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, '.output/server/index.mjs')], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: 'ignore',
  })
  await expect.poll(() => fetch(`http://127.0.0.1:${port}/api/health`).then(r => r.status, () => 0), { timeout: 60_000 }).toBe(200)
  return child
}

test('a reply cut off by a server crash keeps the text already shown and ends as interrupted', async ({ page }) => {
  test.setTimeout(180_000)
  const dataDir = join(root, 'tests/.tmp', `outage-${process.pid}-${Date.now()}`)
  mkdirSync(dataDir, { recursive: true })
  const agentsFile = join(dataDir, 'agents.json')
  writeFileSync(agentsFile, JSON.stringify([{ id: 'slow', name: 'Slow stream', provider: 'openai-compatible', model: 'slow', baseURL: await startSlowProvider() }]))
  const port = await freePort()
  const env = { DATA_DIR: dataDir, AGENTS_FILE: agentsFile }
  let app = await startApp(port, env)
  try {
    await page.goto(`http://127.0.0.1:${port}/`)
    await waitForConnection(page)
    await page.getByTestId('agent-picker').selectOption('slow')
    await page.getByTestId('composer-input').fill('Keep talking')
    await page.getByTestId('composer-input').press('Enter')
    const reply = messages(page, 'assistant').first()
    const content = reply.getByTestId('message-content')
    // Past the first checkpoint (the server saves a streaming reply every second), and then some.
    await expect(content).toContainText('word 30', { timeout: 20_000 })

    app.kill('SIGKILL')
    await new Promise(done => app.once('exit', done))
    await expect(page.getByTestId('connection-banner')).toBeVisible({ timeout: 15_000 })
    const seen = (await content.textContent())!.trim()
    expect(seen).toMatch(/word \d+$/)

    // Offline: the text stays, and nothing offers an action the server cannot take.
    await expect(reply).toHaveAttribute('data-status', 'streaming')
    await expect(reply.getByTestId('message-offline')).toBeVisible()
    await expect(reply.getByTestId('typing')).toHaveCount(0)
    await expect(page.getByTestId('stop')).toHaveCount(0)
    await page.getByTestId('composer-input').fill('Are you there?')
    await expect(page.getByTestId('send')).toBeDisabled()
    await expect(page.getByTestId('composer-hint')).toContainText('Offline')
    await expect(content).toHaveText(seen)

    app = await startApp(port, env)
    // The client retries with backoff; "Retry now" skips the wait if it is still counting down.
    await page.getByRole('button', { name: 'Retry now' }).click({ timeout: 2_000 }).catch(() => {})
    await expect(page.locator('[data-testid=connection-status][data-status=open]')).toBeAttached({ timeout: 40_000 })

    await expect(reply).toHaveAttribute('data-status', 'failed', { timeout: 15_000 })
    await expect(reply.getByTestId('message-error')).toContainText(/server stopped/i)
    await expect(content).toHaveText(seen)
    await expect(page.getByTestId('send')).toBeEnabled()
    await expect(page.getByTestId('composer-input')).toHaveValue('Are you there?')
  }
  finally {
    app.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  }
})
