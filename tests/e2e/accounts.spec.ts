// Accounts as a person uses them: sign up from a guest chat (the chat stays), log in on another
// browser (its guest chat joins the account), rename, change the password (the other browser's
// session ends), download the data, log out, delete the account.
import { expect, test, type Page } from '@playwright/test'
import { createTopic, openApp, topicItem } from './helpers'

const password = 'a long enough secret'

async function fill(page: Page, fields: Record<string, string>) {
  for (const [testid, value] of Object.entries(fields)) await page.getByTestId(testid).fill(value)
}

test('sign up keeps the guest chat; log in elsewhere brings it along; settings, log out and delete work', async ({ page, browser }) => {
  test.setTimeout(90_000)
  const email = `e2e-${Date.now()}@example.com`
  await createTopic(page, 'What is 7 * 6?')
  await page.getByTestId('register-link').click()
  await expect(page).toHaveURL(/\/register$/)

  // The form says what is wrong before anything is sent, and the server's refusals are shown too.
  await fill(page, { 'register-email': 'not an email', 'register-password': password })
  await page.getByTestId('register-submit').click()
  await expect(page.getByTestId('form-error')).toHaveText('Enter a valid email address')
  await fill(page, { 'register-name': 'Ada', 'register-email': email, 'register-password': password })
  await page.getByTestId('register-submit').click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('account-link')).toHaveText('Ada')
  await expect(topicItem(page, 'What is 7 * 6?')).toBeVisible()
  await expect(page.locator('[data-testid=connection-status][data-status=open]')).toBeAttached()

  // Another browser, with a guest chat of its own, logs in: both chats are in the account.
  const other = await browser.newContext()
  const there = await other.newPage()
  await createTopic(there, 'What is 2 + 3?')
  await there.getByTestId('login-link').click()
  await fill(there, { 'login-email': email, 'login-password': 'wrong password' })
  await there.getByTestId('login-submit').click()
  await expect(there.getByTestId('form-error')).toHaveText('The email or the password is wrong.')
  await fill(there, { 'login-password': password })
  await there.getByTestId('login-submit').click()
  await expect(there).toHaveURL(/\/$/)
  await expect(topicItem(there, 'What is 7 * 6?')).toBeVisible()
  await expect(topicItem(there, 'What is 2 + 3?')).toBeVisible()
  // The first browser sees the joined chat live.
  await expect(topicItem(page, 'What is 2 + 3?')).toBeVisible()

  // Settings: rename, then change the password, which ends the other browser's session.
  await page.getByTestId('account-link').click()
  await expect(page.getByTestId('settings-email')).toHaveText(email)
  await fill(page, { 'settings-name': 'Ada L.' })
  await page.getByTestId('settings-name-save').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'Name saved.' })).toBeVisible()
  await fill(page, { 'password-current': password, 'password-new': 'an even longer secret' })
  await page.getByTestId('password-submit').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'Password changed' })).toBeVisible()
  await expect(there.getByTestId('toast').filter({ hasText: 'Password changed' })).toBeVisible()
  await expect(there.getByTestId('session-expired')).toBeVisible({ timeout: 20_000 })
  await other.close()

  // The data download is a JSON file with both topics.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-data').click()])
  const data = JSON.parse(await (await download.createReadStream()).toArray().then(parts => Buffer.concat(parts).toString('utf8'))) as { topics: { title: string }[] }
  expect(data.topics.map(t => t.title).sort()).toEqual(['What is 2 + 3?', 'What is 7 * 6?'])

  // Log out: a guest again, with no topics.
  await page.getByTestId('logout').click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('login-link')).toBeVisible()
  await expect(page.getByTestId('topic-item')).toHaveCount(0)

  // Log back in, and delete the account: nothing of it is left.
  await openApp(page, '/login')
  await fill(page, { 'login-email': email, 'login-password': 'an even longer secret' })
  await page.getByTestId('login-submit').click()
  await expect(topicItem(page, 'What is 7 * 6?')).toBeVisible()
  await page.getByTestId('account-link').click()
  await page.getByTestId('delete-account').click()
  await fill(page, { 'delete-password': 'an even longer secret' })
  await page.getByTestId('delete-confirm').click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('login-link')).toBeVisible()
  await expect(page.getByTestId('topic-item')).toHaveCount(0)
})
