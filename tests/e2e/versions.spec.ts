// Versions (issue 11): editing a message or regenerating a reply keeps the earlier version; the
// switcher pages through them, the conversation below follows the chosen branch, and the model's
// input is that branch only (the built-in Assistant recalls exactly what it was given). Needs the
// server side of the issue 11 contract (message.select, versions).
import { expect, test } from '@playwright/test'
import { createTopic, messages, sendAndWait } from './helpers'

test('an edit keeps the old version; the switcher moves between branches and the model follows', async ({ page }) => {
  await createTopic(page, 'What is 2 + 2?')
  await sendAndWait(page, 'what did I say?')
  await expect(messages(page, 'assistant').nth(1).getByTestId('message-content')).toContainText('What is 2 + 2?')

  // Edit the first message: the later turns leave the screen, the new version is answered.
  const first = messages(page, 'user').first()
  await first.hover()
  await first.getByTestId('edit-message').click()
  const input = first.getByTestId('edit-input')
  await expect(input).toBeFocused()
  await input.fill('What is 5 + 5?')
  await input.press('Control+Enter')
  await expect(messages(page, 'user')).toHaveCount(1)
  await expect(messages(page, 'user').first().getByTestId('message-content')).toHaveText('What is 5 + 5?')
  await expect(messages(page, 'assistant').first()).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
  await expect(messages(page, 'assistant').first().getByTestId('message-content')).toContainText('10')
  const switcher = messages(page, 'user').first().getByTestId('version-switcher')
  await expect(switcher.getByTestId('version-position')).toHaveText('2 / 2')

  // The model sees this branch only: it recalls the edited question, not the replaced one.
  const recall = await sendAndWait(page, 'what did I say?')
  await expect(recall.getByTestId('message-content')).toContainText('What is 5 + 5?')
  await expect(recall.getByTestId('message-content')).not.toContainText('2 + 2')

  // Back to version 1, by keyboard: its own branch comes back below it.
  await switcher.getByTestId('version-previous').focus()
  await page.keyboard.press('Enter')
  await expect(switcher.getByTestId('version-position')).toHaveText('1 / 2')
  await expect(messages(page, 'user').getByTestId('message-content')).toHaveText(['What is 2 + 2?', 'what did I say?'])
  await expect(messages(page, 'assistant').nth(1).getByTestId('message-content')).toContainText('What is 2 + 2?')
  const again = await sendAndWait(page, 'what did I say?')
  await expect(again.getByTestId('message-content')).toContainText('What is 2 + 2?')
  await expect(again.getByTestId('message-content')).not.toContainText('5 + 5')

  // The choice is stored: a reload shows the same branch and position.
  await page.reload()
  await expect(messages(page, 'user').first().getByTestId('version-position')).toHaveText('1 / 2')
  await expect(messages(page, 'user')).toHaveCount(3)
})

test('regenerate keeps the earlier reply as a version', async ({ page }) => {
  await createTopic(page, 'What is 6 * 7?')
  const reply = messages(page, 'assistant').first()
  const original = (await reply.getByTestId('message-content').textContent())!
  await reply.hover()
  await reply.getByTestId('regenerate').click()
  await expect(messages(page, 'assistant')).toHaveCount(1)
  await expect(messages(page, 'assistant').first()).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
  const position = messages(page, 'assistant').first().getByTestId('version-position')
  await expect(position).toHaveText('2 / 2')
  await messages(page, 'assistant').first().getByTestId('version-previous').click()
  await expect(position).toHaveText('1 / 2')
  await expect(messages(page, 'assistant').first().getByTestId('message-content')).toHaveText(original)
  await messages(page, 'assistant').first().getByTestId('version-next').click()
  await expect(position).toHaveText('2 / 2')
})

test('deleting a message asks first and can be undone', async ({ page }) => {
  await createTopic(page, 'What is 1 + 1?')
  await sendAndWait(page, 'What is 2 + 2?')
  const doomed = messages(page, 'user').nth(1)
  await doomed.hover()
  await doomed.getByTestId('delete-message').click()
  const confirm = page.getByTestId('confirm-delete-message')
  await expect(confirm).toBeFocused()
  await confirm.click()
  await expect(messages(page, 'user')).toHaveCount(1)
  await page.getByTestId('undo-delete-message').click()
  await expect(messages(page, 'user').getByTestId('message-content')).toHaveText(['What is 1 + 1?', 'What is 2 + 2?'])
  await expect(messages(page, 'assistant')).toHaveCount(2)
  await page.reload()
  await expect(messages(page, 'user')).toHaveCount(2)
})
