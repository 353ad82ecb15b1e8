// The task panel: filter by status, expand a task for its input and output, retry a failed one, and
// the badge on the closed panel's toggle when a task finishes.
import { expect, test } from '@playwright/test'
import { createTopic, sendAndWait } from './helpers'

test('the filter shows all, active, done or failed tasks', async ({ page }) => {
  await createTopic(page, '/calc 6 * 7')
  await sendAndWait(page, '/calc 2 +')
  const panel = page.getByTestId('task-panel')
  const cards = panel.getByTestId('task-card')
  await expect(cards).toHaveCount(2)
  await expect(cards.first()).toHaveAttribute('data-status', 'failed')
  await expect(cards.nth(1)).toHaveAttribute('data-status', 'completed')

  const filter = (name: string) => panel.getByTestId('task-filter').getByRole('button', { name })
  await expect(filter('All')).toHaveAttribute('aria-pressed', 'true')
  await filter('Done').click()
  await expect(filter('Done')).toHaveAttribute('aria-pressed', 'true')
  await expect(filter('All')).toHaveAttribute('aria-pressed', 'false')
  await expect(cards).toHaveCount(1)
  await expect(cards.first()).toHaveAttribute('data-status', 'completed')
  await filter('Failed').click()
  await expect(cards).toHaveCount(1)
  await expect(cards.first()).toHaveAttribute('data-status', 'failed')
  await expect(cards.first().getByTestId('task-retry')).toBeVisible()
  await filter('Active').click()
  await expect(cards).toHaveCount(0)
  await expect(panel.getByTestId('task-filter-empty')).toHaveText('No task is running.')
  await filter('All').click()
  await expect(cards).toHaveCount(2)
})

test('a task expands to show its details, and collapses again', async ({ page }) => {
  await createTopic(page, '/calc 6 * 7')
  const card = page.getByTestId('task-card').first()
  const toggle = card.getByTestId('task-expand')
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(card.getByTestId('task-details')).toHaveCount(0)
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-expanded', 'true')
  const details = card.getByTestId('task-details')
  await expect(details).toBeVisible()
  await expect(toggle).toHaveAttribute('aria-controls', (await details.getAttribute('id'))!)
  await expect(card.getByTestId('task-result')).toContainText('42')
  await toggle.press('Enter')
  await expect(card.getByTestId('task-details')).toHaveCount(0)
})

// Needs the server of issue 11 (Task.input on the wire).
test('the expanded task shows what it was given, as text', async ({ page }) => {
  await createTopic(page, '/calc 6 * 7')
  await sendAndWait(page, '/calc 2 + <b>x</b>')
  const failed = page.locator('[data-testid=task-card][data-status=failed]')
  await failed.getByTestId('task-expand').click()
  await expect(failed.getByTestId('task-input')).toHaveText('2 + <b>x</b>')
  await expect(failed.getByTestId('task-error')).toContainText('invalid_expression')
})

// Needs the server of issue 11 (task.retry).
test('Retry runs a failed task again as a new task', async ({ page }) => {
  await createTopic(page, '/calc 2 +')
  const cards = page.getByTestId('task-panel').getByTestId('task-card')
  await expect(cards).toHaveCount(1)
  await expect(cards.first()).toHaveAttribute('data-status', 'failed')
  await cards.first().getByTestId('task-retry').click()
  await expect(cards).toHaveCount(2)
  await expect(cards.first()).toHaveAttribute('data-status', 'failed')
  await expect(cards.first().getByTestId('task-expand')).toContainText('2 +')
})

test('a task that finishes while the panel is closed puts a badge on its toggle until it opens', async ({ page }) => {
  const topicId = await createTopic(page, 'What is 1 + 1?')
  const toggle = page.getByTestId('toggle-right')
  await toggle.click()
  await expect(page.getByTestId('task-panel')).toHaveAttribute('inert', '')
  await expect(toggle.getByTestId('finished-badge')).toHaveCount(0)

  await sendAndWait(page, '/calc 6 * 7')
  await expect(toggle.getByTestId('finished-badge')).toHaveText('1')
  await expect(toggle).toHaveAttribute('aria-label', 'Toggle tasks panel (1 task finished)')
  await expect(page.getByTestId('live-region')).toHaveText(/Task “.*” completed\./)
  await sendAndWait(page, '/calc 2 +')
  await expect(toggle.getByTestId('finished-badge')).toHaveText('2')

  await toggle.click()
  await expect(page.getByTestId('task-panel')).not.toHaveAttribute('inert')
  await expect(toggle.getByTestId('finished-badge')).toHaveCount(0)
  await expect(toggle).toHaveAttribute('aria-label', 'Toggle tasks panel')

  // Closed again: no badge until another task finishes; one finished with the panel open counts not.
  await toggle.click()
  await expect(toggle.getByTestId('finished-badge')).toHaveCount(0)
  await expect(page).toHaveURL(new RegExp(`/t/${topicId}$`))
})
