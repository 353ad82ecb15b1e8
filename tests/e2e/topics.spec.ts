// The left panel: renaming, deleting and searching topics, and a second tab that follows live.
import { readFileSync } from 'node:fs'
import { expect, test, type Locator } from '@playwright/test'
import { createTopic, messages, newChat, openApp, send, sendAndWait, topicItem } from './helpers'

/** Opens a topic row's action menu and returns its item named `name`. */
async function menuItem(row: Locator, name: string | RegExp) {
  await row.hover()
  await row.getByTestId('topic-menu-button').click()
  return row.getByRole('menuitem', { name })
}

test('a topic can be renamed and deleted from the left panel', async ({ page }) => {
  const keepId = await createTopic(page, 'What is 2 + 3?')
  await newChat(page)
  await sendAndWait(page, 'Hello there')
  await expect(page).toHaveURL(/\/t\/[^/]+$/)
  const doomedId = new URL(page.url()).pathname.split('/').at(-1)!
  expect(doomedId).not.toBe(keepId)
  await expect(page.getByTestId('topic-item')).toHaveCount(2)

  // Rename the first topic from its row.
  const row = topicItem(page, 'What is 2 + 3?')
  await (await menuItem(row, 'Rename')).click()
  const field = page.getByTestId('topic-panel').getByRole('textbox', { name: 'Topic title' })
  await expect(field).toBeFocused()
  await field.fill('Sums with friends')
  await field.press('Enter')
  await expect(topicItem(page, 'Sums with friends')).toHaveCount(1)
  await expect(topicItem(page, 'What is 2 + 3?')).toHaveCount(0)
  await page.reload()
  await expect(topicItem(page, 'Sums with friends')).toHaveCount(1)
  await topicItem(page, 'Sums with friends').getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`/t/${keepId}$`))
  await expect(page.getByTestId('chat-title')).toHaveText('Sums with friends')

  // Delete the other one: it leaves the list at once, with a toast that offers Undo.
  await (await menuItem(topicItem(page, 'Hello there'), 'Delete')).click()
  await expect(page.getByTestId('topic-item')).toHaveCount(1)
  await expect(page.getByTestId('toast').filter({ hasText: 'Deleted “Hello there”' }).getByTestId('toast-action')).toHaveText('Undo')
  await expect(page.getByTestId('topic-title')).toHaveText(['Sums with friends'])
  await page.reload()
  await expect(page.getByTestId('topic-title')).toHaveText(['Sums with friends'])
  const gone = await page.request.get(`/t/${doomedId}`)
  expect(gone.status()).toBe(404)
})

test('deleting the open topic goes back to a new chat', async ({ page }) => {
  await createTopic(page, 'What is 9 - 4?')
  await (await menuItem(page.getByTestId('topic-item'), 'Delete')).click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('topic-item')).toHaveCount(0)
  await expect(page.getByTestId('welcome')).toBeVisible()
  // The focus was on the menu's Delete, which is gone: it stays in the panel.
  await expect(page.getByTestId('topic-search')).toBeFocused()
})

test('the search box filters the topic list', async ({ page }) => {
  await createTopic(page, 'What is 7 * 8?')
  await newChat(page)
  await sendAndWait(page, 'Hello from the search test')
  await newChat(page)
  await sendAndWait(page, '/calc 3^3')
  await expect(page.getByTestId('topic-item')).toHaveCount(3)

  const search = page.getByTestId('topic-search')
  await search.fill('search test')
  await expect(page.getByTestId('topic-title')).toHaveText(['Hello from the search test'])
  await search.fill('WHAT IS')
  await expect(page.getByTestId('topic-title')).toHaveText(['What is 7 * 8?'])
  await search.fill('nothing like this')
  await expect(page.getByTestId('topic-item')).toHaveCount(0)
  await expect(page.getByTestId('topic-list')).toContainText('No topic matches')
  await search.fill('')
  await expect(page.getByTestId('topic-item')).toHaveCount(3)
})

test('a second tab sees a new topic and its replies live', async ({ context }) => {
  const first = await context.newPage()
  const second = await context.newPage()
  await openApp(first, '/')
  await openApp(second, '/')
  await expect(second.getByTestId('topic-item')).toHaveCount(0)

  await sendAndWait(first, 'What is 40 + 2?')
  const title = (await first.getByTestId('chat-title').textContent())!.trim()
  // The second tab learns of the topic without a reload, and stays where it was.
  await expect(topicItem(second, title)).toHaveCount(1)
  await expect(second).toHaveURL(/\/$/)

  await topicItem(second, title).getByRole('link').click()
  await expect(second).toHaveURL(first.url())
  await expect(messages(second)).toHaveCount(2)
  await expect(messages(second, 'assistant').getByTestId('message-content')).toContainText('42')

  // A message sent in the first tab streams into the second.
  await second.evaluate(() => Object.assign(window, { __sawStreaming: false }))
  await second.evaluate(() => new MutationObserver(() => {
    if (document.querySelector('[data-testid=message][data-role=assistant][data-status=streaming]')) Object.assign(window, { __sawStreaming: true })
  }).observe(document.body, { subtree: true, childList: true, attributes: true }))
  await send(first, 'help')
  await expect(messages(second, 'user').nth(1).getByTestId('message-content')).toHaveText('help')
  const reply = messages(second, 'assistant').nth(1)
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
  expect(await second.evaluate(() => (window as unknown as { __sawStreaming: boolean }).__sawStreaming)).toBe(true)
  await expect(messages(first, 'assistant').nth(1)).toHaveAttribute('data-status', 'complete')
  await expect(reply.getByTestId('message-content')).toHaveText((await messages(first, 'assistant').nth(1).getByTestId('message-content').textContent())!)
})

test.describe('topics grouped by date', () => {
  test('by the browser\'s clock and time zone, rendered the same by the server once it knows the zone', async ({ page }) => {
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' || /hydration|\[Vue warn\]/i.test(message.text())) problems.push(message.text())
    })
    await createTopic(page, 'What is 8 + 8?')
    const groups = page.getByTestId('topic-group')
    await expect(groups).toHaveCount(1)
    await expect(groups.first()).toHaveAttribute('data-group', 'today')
    await expect(groups.first().getByRole('heading')).toHaveText('Today')
    await expect(groups.first().getByTestId('topic-item')).toHaveCount(1)

    // The browser wrote its zone: the server's HTML has the groups already, and hydration agrees.
    const html = await (await page.request.get('/')).text()
    expect(html).toContain('data-group="today"')
    await openApp(page, '/')
    await expect(groups.first()).toHaveAttribute('data-group', 'today')

    // Days later by the browser's clock: the same topic moves down the groups.
    for (const [days, group, heading] of [[1, 'yesterday', 'Yesterday'], [4, 'week', 'Previous 7 days'], [9, 'older', 'Older']] as const) {
      await page.clock.setFixedTime(Date.now() + days * 86_400_000)
      await openApp(page, '/')
      await expect(groups).toHaveCount(1)
      await expect(groups.first(), `${days} days later`).toHaveAttribute('data-group', group)
      await expect(groups.first().getByRole('heading')).toHaveText(heading)
    }
    expect(problems.filter(text => /hydration/i.test(text))).toEqual([])
  })
})

test('a deleted topic comes back with Undo; without it, it stays deleted', async ({ page }) => {
  // Needs the server of issue 11 (topic.restore).
  const id = await createTopic(page, 'What is 10 + 10?')
  await (await menuItem(page.getByTestId('topic-item'), 'Delete')).click()
  await expect(page.getByTestId('topic-item')).toHaveCount(0)
  await expect(page).toHaveURL(/\/$/)
  await page.getByTestId('toast').filter({ hasText: 'Deleted “What is 10 + 10?”' }).getByTestId('toast-action').click()
  await expect(topicItem(page, 'What is 10 + 10?')).toHaveCount(1)
  await expect(page.getByTestId('toast').filter({ hasText: 'Deleted' })).toHaveCount(0)
  await page.reload()
  await expect(topicItem(page, 'What is 10 + 10?')).toHaveCount(1)
  await topicItem(page, 'What is 10 + 10?').getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`/t/${id}$`))
  await expect(messages(page, 'assistant').first()).toContainText('20')

  await (await menuItem(page.getByTestId('topic-item'), 'Delete')).click()
  await expect(page.getByTestId('topic-item')).toHaveCount(0)
  await page.reload()
  await expect(page.getByTestId('topic-item')).toHaveCount(0)
})

test('the search finds a word said only inside a message and opens the topic at it', async ({ page }) => {
  // Needs the server of issue 11 (GET /api/search, topic.open around).
  const id = await createTopic(page, 'What is 3 + 4?')
  await sendAndWait(page, 'Quokkas are small marsupials')
  await newChat(page)
  await sendAndWait(page, 'Hello again')
  const search = page.getByTestId('topic-search')
  await search.fill('quokkas')
  // No title has the word: the instant filter finds nothing, the server finds the message.
  await expect(page.getByTestId('topic-item')).toHaveCount(0)
  const result = page.getByTestId('search-result').filter({ has: page.locator('mark') }).first()
  await expect(result).toHaveAttribute('data-kind', 'message')
  await expect(result.locator('mark')).toHaveText(['Quokkas'])
  await expect(result.getByTestId('search-snippet')).toContainText('Quokkas are small marsupials')
  await expect(result).toContainText('What is 3 + 4?')
  await result.click()
  await expect(page).toHaveURL(new RegExp(`/t/${id}\\?m=[\\w-]+$`))
  await expect(page.getByTestId('chat-title')).toHaveText('What is 3 + 4?')
  await expect(messages(page, 'user').filter({ hasText: 'Quokkas are small marsupials' })).toBeVisible()

  // A single character searches titles only; the results go away.
  await search.fill('q')
  await expect(page.getByTestId('search-results')).toHaveCount(0)
})

test('a topic\'s menu offers Markdown and JSON exports as downloads', async ({ page }) => {
  const id = await createTopic(page, 'What is 5 + 6?')
  await openApp(page, `/t/${id}`)
  const row = page.getByTestId('topic-item')
  await row.getByTestId('topic-menu-button').click()
  const menu = row.getByRole('menu')
  await expect(menu.getByRole('menuitem')).toHaveText(['Rename', 'Export as Markdown', 'Export as JSON', 'Delete'])
  await expect(menu.getByRole('menuitem').first()).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(menu.getByRole('menuitem').nth(1)).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowUp')
  await expect(menu.getByRole('menuitem').nth(3)).toBeFocused()
  const md = row.getByTestId('topic-export-md')
  await expect(md).toHaveAttribute('href', `/api/topics/${id}/export?format=md`)
  await expect(md).toHaveAttribute('download', '')
  await expect(row.getByTestId('topic-export-json')).toHaveAttribute('href', `/api/topics/${id}/export?format=json`)
  await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)
  await expect(row.getByTestId('topic-menu-button')).toBeFocused()
})

test('the exports download the topic (Markdown and JSON)', async ({ page }) => {
  // Needs the server of issue 11 (GET /api/topics/:id/export).
  await createTopic(page, 'What is 5 + 7?')
  const row = page.getByTestId('topic-item')
  for (const format of ['md', 'json'] as const) {
    await row.getByTestId('topic-menu-button').click()
    const download = page.waitForEvent('download')
    await row.getByTestId(`topic-export-${format}`).click()
    const file = await download
    const text = readFileSync(await file.path(), 'utf8')
    expect(text).toContain('What is 5 + 7?')
    expect(text).toContain('12')
    if (format === 'json') expect(JSON.parse(text)).toMatchObject({ format: 'agent-chat-topics', version: 1 })
  }
})
