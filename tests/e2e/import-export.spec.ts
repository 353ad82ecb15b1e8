// Topics out and in through the settings page: an export imported by another person gives the same
// topics with the same messages; a bad file is refused with a readable error and changes nothing.
import { readFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { createTopic, messages, openApp, sendAndWait, topicItem } from './helpers'

async function importFile(page: Page, name: string, content: string) {
  await page.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) })
}

/** What an export says, without the moment it was taken. */
function comparable(text: string) {
  const { exportedAt: _exportedAt, ...rest } = JSON.parse(text)
  return rest
}

test('a file that is not JSON gets a readable error and nothing is sent', async ({ page }) => {
  await openApp(page, '/settings')
  const posted: string[] = []
  page.on('request', request => request.url().endsWith('/api/import') && posted.push(request.url()))
  await importFile(page, 'notes.txt', 'not json at all {')
  await expect(page.getByTestId('import-error')).toHaveText('“notes.txt” is not a JSON file. Choose a file exported from Agent Chat.')
  expect(posted).toEqual([])
  await expect(page.getByTestId('export-topics')).toHaveAttribute('href', '/api/export')
})

// Needs the server of issue 11 (GET /api/export, POST /api/import).
test('export then import in another session: identical topics and messages', async ({ page, browser }) => {
  await createTopic(page, 'What is 9 * 9?')
  await sendAndWait(page, 'And **bold** with `code`, please')
  await openApp(page, '/settings')
  const download = page.waitForEvent('download')
  await page.getByTestId('export-topics').click()
  const exported = readFileSync(await (await download).path(), 'utf8')
  expect(JSON.parse(exported).topics).toHaveLength(1)

  const other = await browser.newContext()
  const there = await other.newPage()
  await openApp(there, '/settings')
  await importFile(there, 'agent-chat-export.json', exported)
  await expect(there.getByTestId('import-done')).toHaveText('Imported 1 topic.')
  await openApp(there, '/')
  await expect(topicItem(there, 'What is 9 * 9?')).toHaveCount(1)
  await topicItem(there, 'What is 9 * 9?').getByRole('link').click()
  await expect(messages(there)).toHaveCount(4)
  await expect(messages(there, 'assistant').first()).toContainText('81')

  const again = await (await there.request.get('/api/export')).text()
  expect(comparable(again)).toEqual(comparable(exported))
  await other.close()
})

// Needs the server of issue 11 (POST /api/import validation).
test('a JSON file of the wrong shape is refused with the server\'s message and nothing is stored', async ({ page }) => {
  await openApp(page, '/settings')
  await importFile(page, 'wrong.json', JSON.stringify({ format: 'agent-chat-topics', version: 1, exportedAt: new Date().toISOString(), topics: [{ title: 'x', messages: 'nope' }] }))
  const error = page.getByTestId('import-error')
  await expect(error).toBeVisible()
  await expect(error).not.toContainText('The request failed')
  await expect(error).toContainText(/messages|agentId|createdAt/)
  await openApp(page, '/')
  await expect(page.getByTestId('topic-item')).toHaveCount(0)
})
