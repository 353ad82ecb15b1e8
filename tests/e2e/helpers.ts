// Shared steps for the browser tests: open a page and wait until it is hydrated and connected, send a
// message the way a person does, and find the messages of the open topic.
import { expect, type Locator, type Page } from '@playwright/test'

/** The account pages have no chat panel, so no socket status: hydration is what to wait for. */
const ACCOUNT_PAGES = /^\/(login|register|settings)\b/

/** Goes to `path` and waits for hydration (and, on the chat pages, for the socket, which opens after it). */
export async function openApp(page: Page, path = '/') {
  const response = await page.goto(path)
  await expect(page.locator('html[data-hydrated=true]')).toBeAttached({ timeout: 20_000 })
  if (!ACCOUNT_PAGES.test(path)) await waitForConnection(page)
  return response
}

export async function waitForConnection(page: Page) {
  await expect(page.locator('[data-testid=connection-status][data-status=open]')).toBeAttached({ timeout: 20_000 })
}

/** Types into the composer and presses Enter. */
export async function send(page: Page, text: string) {
  const input = page.getByTestId('composer-input')
  await input.fill(text)
  await input.press('Enter')
}

export function messages(page: Page, role?: 'user' | 'assistant'): Locator {
  return page.locator(role ? `[data-testid=message][data-role=${role}]` : '[data-testid=message]')
}

/** Sends from the open page and waits until the reply is complete; returns that reply. */
export async function sendAndWait(page: Page, text: string) {
  const before = await messages(page, 'assistant').count()
  await send(page, text)
  const reply = messages(page, 'assistant').nth(before)
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
  return reply
}

/** Starts a new chat from `/` with one message and waits for the reply; returns the topic id. */
export async function createTopic(page: Page, text: string): Promise<string> {
  await openApp(page, '/')
  await sendAndWait(page, text)
  await expect(page).toHaveURL(/\/t\/[^/]+$/)
  return new URL(page.url()).pathname.split('/').at(-1)!
}

/** Goes to a new chat with the left panel's button and waits until its page is shown. */
export async function newChat(page: Page, how: 'click' | 'tap' = 'click') {
  await page.getByTestId('new-chat')[how]()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('welcome')).toBeVisible()
  await expect(messages(page)).toHaveCount(0)
}

export function topicItem(page: Page, title: string | RegExp): Locator {
  return page.getByTestId('topic-item').filter({ has: page.getByTestId('topic-title').filter({ hasText: title }) })
}
