// Keyboard shortcuts (utils/shortcuts.ts): new chat, search, each panel, the message box, stop; and
// their hints in the buttons' titles.
import { expect, test } from '@playwright/test'
import { createTopic, messages, openApp, send } from './helpers'

test('new chat, search, the panels and the message box from the keyboard', async ({ page }) => {
  const topicId = await createTopic(page, 'What is 6 + 6?')
  const input = page.getByTestId('composer-input')
  const topicPanel = page.getByTestId('topic-panel')
  const taskPanel = page.getByTestId('task-panel')

  // Hints in the titles.
  await expect(page.getByTestId('new-chat')).toHaveAttribute('title', 'New Chat (Ctrl+Shift+O)')
  await expect(page.getByTestId('toggle-left')).toHaveAttribute('title', 'Toggle topics panel (Ctrl+Shift+S)')
  await expect(page.getByTestId('toggle-right')).toHaveAttribute('title', 'Toggle tasks panel (Ctrl+Shift+E)')
  await expect(page.getByTestId('topic-search')).toHaveAttribute('title', /\(Ctrl\+K\)$/)

  // Toggle each panel; opened from the keyboard, the focus goes into it.
  await input.focus()
  await page.keyboard.press('Control+Shift+S')
  await expect(topicPanel).toHaveAttribute('inert', '')
  await expect(page.getByTestId('toggle-left')).toHaveAttribute('aria-expanded', 'false')
  await page.keyboard.press('Control+Shift+S')
  await expect(topicPanel).not.toHaveAttribute('inert')
  await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid=topic-panel]'))).toBe(true)
  await page.keyboard.press('Control+Shift+E')
  await expect(taskPanel).toHaveAttribute('inert', '')
  await page.keyboard.press('Control+Shift+E')
  await expect(taskPanel).not.toHaveAttribute('inert')

  // Search: opens the collapsed topic panel and focuses its box, text selected.
  await page.keyboard.press('Control+Shift+S')
  await expect(topicPanel).toHaveAttribute('inert', '')
  await input.focus()
  await page.keyboard.press('Control+K')
  await expect(topicPanel).not.toHaveAttribute('inert')
  await expect(page.getByTestId('topic-search')).toBeFocused()

  // Shift+Esc: back to the message box from anywhere.
  await page.keyboard.press('Shift+Escape')
  await expect(input).toBeFocused()

  // New chat from a topic, with the focus in the new chat's message box.
  await expect(page).toHaveURL(new RegExp(`/t/${topicId}$`))
  await page.keyboard.press('Control+Shift+O')
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('welcome')).toBeVisible()
  await expect(input).toBeFocused()
})

test('Ctrl+Shift+X stops the streaming reply', async ({ page }) => {
  await openApp(page, '/')
  await page.getByTestId('agent-picker').selectOption('slow')
  await send(page, 'Keep talking')
  const reply = messages(page, 'assistant').first()
  await expect(reply).toHaveAttribute('data-status', 'streaming')
  await expect(reply.getByTestId('message-content')).toContainText('word 2')
  await page.keyboard.press('Control+Shift+X')
  await expect(reply).toHaveAttribute('data-status', 'stopped')
  await expect(page.getByTestId('stop')).toHaveCount(0)
})

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true })

  test('Ctrl+K opens the topic overlay at its search box; Shift+Esc closes it for the message box', async ({ page }) => {
    await openApp(page, '/')
    await page.keyboard.press('Control+K')
    await expect(page.getByTestId('topic-panel')).toHaveAttribute('data-overlay', 'true')
    await expect(page.getByTestId('topic-search')).toBeFocused()
    await page.keyboard.press('Shift+Escape')
    await expect(page.getByTestId('topic-panel')).not.toHaveAttribute('data-overlay', 'true')
    await expect(page.getByTestId('composer-input')).toBeFocused()
  })
})
