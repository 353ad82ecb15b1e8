// The left panel: renaming, deleting and searching topics, and a second tab that follows live.
import { expect, test } from '@playwright/test'
import { createTopic, messages, newChat, openApp, send, sendAndWait, topicItem } from './helpers'

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
  await row.hover()
  await row.getByRole('button', { name: 'Rename topic' }).click()
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

  // Delete the other one: the first click only asks, the second deletes.
  const doomed = topicItem(page, 'Hello there')
  await doomed.hover()
  await doomed.getByRole('button', { name: 'Delete topic' }).click()
  const confirm = doomed.getByRole('button', { name: 'Confirm delete topic' })
  await expect(confirm).toHaveText('Delete?')
  await expect(page.getByTestId('topic-item')).toHaveCount(2)
  await confirm.click()
  await expect(page.getByTestId('topic-item')).toHaveCount(1)
  await expect(page.getByTestId('topic-title')).toHaveText(['Sums with friends'])
  await page.reload()
  await expect(page.getByTestId('topic-title')).toHaveText(['Sums with friends'])
  const gone = await page.request.get(`/t/${doomedId}`)
  expect(gone.status()).toBe(404)
})

test('deleting the open topic goes back to a new chat', async ({ page }) => {
  await createTopic(page, 'What is 9 - 4?')
  const row = page.getByTestId('topic-item')
  await row.hover()
  await row.getByRole('button', { name: 'Delete topic' }).click()
  await row.getByRole('button', { name: 'Confirm delete topic' }).click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('topic-item')).toHaveCount(0)
  await expect(page.getByTestId('welcome')).toBeVisible()
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
