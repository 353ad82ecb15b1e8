// A person's main path: a new chat, a streamed answer, the topic in the left panel, a reload that
// restores it from the server-rendered HTML, a slash command's task in the right panel, and stopping.
import { expect, test, type Page, type Route } from '@playwright/test'
import { createTopic, messages, openApp, send } from './helpers'

/** Records every (index, status, text length) the assistant messages go through, from any DOM change. */
async function recordAssistantStates(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = []
    Object.assign(window, { __assistantStates: seen })
    const snapshot = () => {
      document.querySelectorAll('[data-testid=message][data-role=assistant]').forEach((el, i) => {
        const state = `${i} ${el.getAttribute('data-status')}:${el.querySelector('[data-testid=message-content]')?.textContent?.length ?? 0}`
        if (!seen.includes(state)) seen.push(state)
      })
    }
    new MutationObserver(snapshot).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
  })
}

interface Frame { type: string, payload: { seq?: number, messageId?: string, message?: { id: string, role: string } } }

test('a new chat streams its answer, becomes a topic and survives a reload', async ({ page, browser, context }) => {
  const question = 'What is 12 * (3 + 4)?'
  const frames: Frame[] = []
  page.on('websocket', socket => socket.on('framereceived', ({ payload }) => frames.push(JSON.parse(String(payload)))))
  await openApp(page, '/')
  await expect(page.getByTestId('welcome')).toBeVisible()
  await expect(page.getByTestId('composer-input')).toBeFocused()
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }))

  await send(page, question)
  await expect(messages(page, 'user')).toHaveCount(1)
  await expect(messages(page, 'user').getByTestId('message-content')).toHaveText(question)
  const reply = messages(page, 'assistant').first()
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
  await expect(reply.getByTestId('message-content')).toContainText('84')

  // It streamed: several deltas, seq counting from 1, then the completed message.
  const replyId = frames.find(f => f.type === 'message.created' && f.payload.message?.role === 'assistant')!.payload.message!.id
  const ofReply = frames.filter(f => f.payload.messageId === replyId || f.payload.message?.id === replyId).map(f => f.type)
  const seqs = frames.filter(f => f.type === 'message.delta' && f.payload.messageId === replyId).map(f => f.payload.seq)
  expect(seqs.length).toBeGreaterThan(1)
  expect(seqs).toEqual(seqs.map((_, i) => i + 1))
  expect(ofReply.at(0)).toBe('message.created')
  expect(ofReply.at(-1)).toBe('message.completed')

  // The URL moved to the new topic without a reload, and the topic is listed on the left.
  await expect(page).toHaveURL(/\/t\/[^/]+$/)
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
  const title = (await page.getByTestId('chat-title').textContent())!.trim()
  expect(title).toContain('12 * (3 + 4)')
  const item = page.getByTestId('topic-item')
  await expect(item).toHaveCount(1)
  await expect(item.getByTestId('topic-title')).toHaveText(title)
  await expect(item.getByRole('link')).toHaveAttribute('aria-current', 'page')

  // The next answer in the open topic is seen on screen going from streaming (partial) to complete.
  await recordAssistantStates(page)
  await send(page, 'What is 6 * 7?')
  const second = messages(page, 'assistant').nth(1)
  await expect(second).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
  await expect(second.getByTestId('message-content')).toContainText('42')
  const states = await page.evaluate(() => (window as unknown as { __assistantStates: string[] }).__assistantStates)
  const streamed = states.filter(s => s.startsWith('1 streaming:')).map(s => Number(s.split(':')[1]))
  expect(streamed.length, `states seen: ${states.join(', ')}`).toBeGreaterThan(1)
  expect(states.at(-1)).toMatch(/^1 complete:/)
  const final = Number(states.at(-1)!.split(':')[1])
  expect(streamed.some(length => length > 0 && length < final), `states seen: ${states.join(', ')}`).toBe(true)

  // The server-rendered HTML alone (no JavaScript) has the title, the topic list and the messages.
  const url = page.url()
  const ssr = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState() })
  const raw = await ssr.newPage()
  const response = await raw.goto(url)
  expect(response?.status()).toBe(200)
  await expect(raw.getByTestId('chat-title')).toHaveText(title)
  await expect(raw.getByTestId('topic-title')).toHaveText([title])
  await expect(raw.getByTestId('topic-item').getByRole('link')).toHaveAttribute('aria-current', 'page')
  await expect(messages(raw, 'user').getByTestId('message-content')).toHaveText([question, 'What is 6 * 7?'])
  await expect(messages(raw, 'assistant')).toHaveCount(2)
  await expect(messages(raw, 'assistant').first()).toHaveAttribute('data-status', 'complete')
  await expect(messages(raw, 'assistant').first().getByTestId('message-content')).toContainText('84')
  await expect(raw).toHaveTitle(new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
  await ssr.close()

  // A real reload shows the same topic, hydrated and live.
  await page.reload()
  await expect(page.locator('[data-testid=connection-status][data-status=open]')).toBeAttached({ timeout: 20_000 })
  await expect(page).toHaveURL(url)
  await expect(page.getByTestId('chat-title')).toHaveText(title)
  await expect(messages(page)).toHaveCount(4)
  await expect(page.getByTestId('topic-item').getByRole('link')).toHaveAttribute('aria-current', 'page')
  await expect(page.getByTestId('topic-item')).toHaveClass(/\bring-1\b/)
  await expect(messages(page, 'assistant').first().getByTestId('message-content')).toContainText('84')
})

test('a new chat does not wait for HTTP: its page fills from the socket even if topic fetches hang', async ({ page }) => {
  // This tab created the topic and its socket carries all of it, so the topic page must not depend
  // on GET /api/topics/<id> (it used to: the welcome screen came back until the fetch answered).
  const held: Route[] = []
  await page.route('**/api/topics/**', route => void held.push(route))
  await openApp(page, '/')
  await send(page, 'help')
  await expect(page).toHaveURL(/\/t\/[^/]+$/)
  await expect(page.getByTestId('welcome')).toBeHidden()
  await expect(messages(page, 'user').getByTestId('message-content')).toHaveText(['help'])
  await expect(messages(page, 'assistant')).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
  await expect(messages(page, 'assistant')).toContainText('built-in assistant')
  await expect(page.getByTestId('chat-title')).toHaveText(/help/i)
  await Promise.all(held.map(route => route.abort()))
})

test('/calc shows a completed task with its result in the right panel', async ({ page }) => {
  await openApp(page, '/')
  await send(page, '/calc 2^10')
  const card = page.getByTestId('task-panel').getByTestId('task-card')
  await expect(card).toHaveCount(1)
  await expect(card).toHaveAttribute('data-kind', 'calc')
  await expect(card).toHaveAttribute('data-status', 'completed')
  await expect(card.getByTestId('task-result')).toContainText('1024')
  await expect(card).toBeInViewport()
  await expect(messages(page, 'assistant').getByTestId('message-content')).toContainText('1024')

  // The task is stored: a reload renders it again.
  await page.reload()
  await expect(page.getByTestId('task-panel').getByTestId('task-card')).toHaveAttribute('data-status', 'completed')
  await expect(page.getByTestId('task-panel').getByTestId('task-result')).toContainText('1024')
})

test('a streaming reply can be stopped and stays stopped', async ({ page }) => {
  // "Slow stream" (a local fake provider) never finishes by itself: the stop cannot lose a race.
  await openApp(page, '/')
  await page.getByTestId('agent-picker').selectOption('slow')
  await send(page, 'Tell me everything')
  const reply = messages(page, 'assistant').first()
  await expect(reply).toHaveAttribute('data-status', 'streaming')
  await expect(reply.getByTestId('message-content')).toContainText('word 3')
  await page.getByTestId('stop').click()
  await expect(reply).toHaveAttribute('data-status', 'stopped')
  await expect(reply.getByTestId('message-stopped')).toBeVisible()
  await expect(page.getByTestId('stop')).toHaveCount(0)
  await expect(page.getByTestId('send')).toBeVisible()

  // No more text arrives after the stop, and the stored reply is the stopped one.
  const text = await reply.getByTestId('message-content').textContent()
  await page.waitForTimeout(800)
  await expect(reply.getByTestId('message-content')).toHaveText(text!)
  await page.reload()
  const stored = messages(page, 'assistant').first()
  await expect(stored).toHaveAttribute('data-status', 'stopped')
  await expect(stored.getByTestId('message-content')).toHaveText(text!)
})

test('Shift+Enter makes a new line, and Enter while a reply streams queues the message until it ends', async ({ page }) => {
  await createTopic(page, 'What is 3 * 3?')
  const input = page.getByTestId('composer-input')
  await input.fill('help me')
  await input.press('Shift+Enter')
  await input.pressSequentially('with the commands')
  await expect(input).toHaveValue('help me\nwith the commands')
  await expect(messages(page)).toHaveCount(2)
  await input.press('Enter')
  await expect(input).toHaveValue('')
  const user = messages(page, 'user').nth(1).getByTestId('message-content')
  await expect(user).toHaveText('help me\nwith the commands')
  await expect(user.locator('br')).toHaveCount(1)
  await expect(messages(page, 'assistant').nth(1)).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })

  // On an agent whose reply does not end by itself, Enter queues and says so; Stop ends the reply
  // and the queued message goes out at once.
  await page.getByTestId('agent-picker').selectOption('slow')
  await send(page, 'Go on')
  const reply = messages(page, 'assistant').nth(2)
  await expect(reply).toHaveAttribute('data-status', 'streaming')
  await input.fill('first thought')
  await input.press('Enter')
  await expect(input).toHaveValue('')
  await expect(page.getByTestId('queued')).toContainText('first thought')
  // A queued message can be taken back; the next one queues instead.
  await page.getByTestId('unqueue').click()
  await expect(page.getByTestId('queued')).toHaveCount(0)
  await input.fill('thanks')
  await input.press('Enter')
  await expect(page.getByTestId('queued')).toContainText('thanks')
  await expect(messages(page, 'user')).toHaveCount(3)
  await expect(reply).toHaveAttribute('data-status', 'streaming')

  await page.getByTestId('stop').click()
  await expect(reply).toHaveAttribute('data-status', 'stopped')
  await expect(messages(page, 'user')).toHaveCount(4)
  await expect(messages(page, 'user').nth(3).getByTestId('message-content')).toHaveText('thanks')
  await expect(page.getByTestId('queued')).toHaveCount(0)
  await expect(messages(page, 'assistant').nth(3)).toHaveAttribute('data-status', 'streaming')
  await page.getByTestId('stop').click()
  await expect(messages(page, 'assistant').nth(3)).toHaveAttribute('data-status', 'stopped')
  await expect(messages(page, 'user').getByTestId('message-content')).not.toContainText(['first thought'])
})

test('an unknown topic shows the 404 page', async ({ page }) => {
  const response = await page.goto('/t/no-such-topic')
  expect(response?.status()).toBe(404)
  await expect(page.getByTestId('error-page')).toBeVisible()
  await expect(page.getByTestId('error-page')).toContainText('This topic does not exist')
  // The error page has no socket to wait for: a click that lands before hydration is retried.
  await expect(async () => {
    await page.getByRole('button', { name: 'Start a new chat' }).click({ timeout: 1_000 })
    await expect(page).toHaveURL(/\/$/, { timeout: 1_000 })
  }).toPass()
  await expect(page.getByTestId('welcome')).toBeVisible()
})

test('markdown is sanitised: no injected elements, handlers or javascript: links', async ({ page, browser, context }) => {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  await createTopic(page, '<img src=x onerror=alert(1)> and [x](javascript:alert(1)) and <script>alert(2)</script>')
  const user = messages(page, 'user').getByTestId('message-content')
  await expect(user).toContainText('<img src=x onerror=alert(1)>')
  await expect(user).toContainText('<script>alert(2)</script>')

  const check = async (target: Page) => {
    const chat = target.getByTestId('message-list')
    await expect(chat.locator('img')).toHaveCount(0)
    await expect(chat.locator('script')).toHaveCount(0)
    await expect(target.locator('a[href^="javascript:" i]')).toHaveCount(0)
    await expect(target.locator('[onerror], [onclick], [onload]')).toHaveCount(0)
  }
  await check(page)

  // The same holds for the server-rendered HTML.
  const ssr = await browser.newContext({ javaScriptEnabled: false, storageState: await context.storageState() })
  const raw = await ssr.newPage()
  await raw.goto(page.url())
  await expect(messages(raw, 'user')).toHaveCount(1)
  await check(raw)
  await ssr.close()
  expect(dialogs).toEqual([])
})
