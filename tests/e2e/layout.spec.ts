// The shell: theme choice without a flash, and the side panels on desktop (push) and mobile (overlay).
import { expect, test } from '@playwright/test'
import { createTopic, newChat, openApp, sendAndWait } from './helpers'

test.describe('theme', () => {
  test('the chosen theme persists across a reload with no flash', async ({ page }) => {
    // Whether <html> is dark at DOMContentLoaded, before any app script has run.
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        Object.assign(window, { __darkAtDomReady: document.documentElement.classList.contains('dark') })
      })
    })
    await page.emulateMedia({ colorScheme: 'light' })
    await openApp(page, '/')
    const toggle = page.getByTestId('theme-toggle')
    await expect(toggle).toHaveAttribute('data-preference', 'system')
    await expect(page.locator('html')).not.toHaveClass(/\bdark\b/)

    await toggle.click()
    await expect(toggle).toHaveAttribute('data-preference', 'light')
    await toggle.click()
    await expect(toggle).toHaveAttribute('data-preference', 'dark')
    await expect(page.locator('html')).toHaveClass(/\bdark\b/)
    expect(await page.evaluate(() => localStorage.getItem('agent-chat-theme'))).toBe('dark')

    await page.reload()
    expect(await page.evaluate(() => (window as unknown as { __darkAtDomReady: boolean }).__darkAtDomReady)).toBe(true)
    await expect(page.locator('html')).toHaveClass(/\bdark\b/)
    await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-preference', 'dark')

    // Back to following the system, which now prefers dark: still dark; choosing light wins over it.
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.getByTestId('theme-toggle').click()
    await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-preference', 'system')
    await expect(page.locator('html')).toHaveClass(/\bdark\b/)
    await page.getByTestId('theme-toggle').click()
    await expect(page.locator('html')).not.toHaveClass(/\bdark\b/)
    await page.reload()
    expect(await page.evaluate(() => (window as unknown as { __darkAtDomReady: boolean }).__darkAtDomReady)).toBe(false)
    await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-preference', 'light')
  })
})

test('hydration changes nothing: no mismatch, nothing in the header moves, the status dot matches its text', async ({ page }) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || /hydration|\[Vue warn\]/i.test(message.text())) problems.push(message.text())
  })
  await createTopic(page, 'What is 2 + 2?')
  // Where the header's controls are in the server's HTML, before any app script has run.
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      const box = (selector: string) => {
        const rect = document.querySelector(selector)?.getBoundingClientRect()
        return rect ? [Math.round(rect.x), Math.round(rect.y), Math.round(rect.width)] : null
      }
      Object.assign(window, { __boxesAtDomReady: { picker: box('[data-testid=agent-picker]'), title: box('[data-testid=chat-title]') } })
    })
  })
  for (const path of [new URL(page.url()).pathname, '/']) {
    await openApp(page, path)
    const before = await page.evaluate(() => (window as unknown as { __boxesAtDomReady: Record<string, number[] | null> }).__boxesAtDomReady)
    const after = await page.evaluate(() => {
      const box = (selector: string) => {
        const rect = document.querySelector(selector)?.getBoundingClientRect()
        return rect ? [Math.round(rect.x), Math.round(rect.y), Math.round(rect.width)] : null
      }
      return { picker: box('[data-testid=agent-picker]'), title: box('[data-testid=chat-title]') }
    })
    expect(before.picker).not.toBeNull()
    expect(after).toEqual(before)
    const status = page.getByTestId('connection-status')
    await expect(status).toHaveText('Connected')
    await expect(status.locator('span').first()).toHaveClass(/bg-emerald-500/)
    // Every aria-controls names an element that exists.
    const dangling = await page.evaluate(() => [...document.querySelectorAll('[aria-controls]')]
      .map(el => el.getAttribute('aria-controls')!)
      .filter(id => !document.getElementById(id)))
    expect(dangling).toEqual([])
  }
  expect(problems).toEqual([])
})

test.describe('desktop panels', () => {
  test('the left toggle collapses and expands the topic panel, pushing the chat', async ({ page }) => {
    await openApp(page, '/')
    const panel = page.getByTestId('topic-panel')
    const main = page.locator('main')
    await expect(panel).toBeInViewport()
    await expect(panel).toHaveAttribute('data-open', 'desktop')
    await expect(page.getByTestId('overlay-backdrop')).toHaveCount(0)
    const open = (await panel.boundingBox())!
    // Pushed, not covered: the chat starts where the panel ends.
    expect((await main.boundingBox())!.x).toBeCloseTo(open.x + open.width, 0)

    await page.getByTestId('toggle-left').click()
    await expect(panel).not.toBeInViewport()
    await expect(panel).toHaveClass(/lg:-ml-72/)
    await expect(page.getByTestId('toggle-left')).toHaveAttribute('aria-expanded', 'false')
    await expect(page.getByTestId('overlay-backdrop')).toHaveCount(0)
    await expect.poll(async () => (await main.boundingBox())!.x).toBe(0)

    // The choice is kept across a reload, already in the server-rendered page.
    await page.reload()
    await expect(page.locator('[data-testid=connection-status][data-status=open]')).toBeAttached()
    await expect(panel).not.toBeInViewport()

    await page.getByTestId('toggle-left').click()
    await expect(panel).toBeInViewport()
    await expect(panel).toHaveAttribute('data-open', 'desktop')
    await expect.poll(async () => (await main.boundingBox())!.x).toBeCloseTo(open.x + open.width, 0)
  })

  test('the right toggle collapses and expands the task panel', async ({ page }) => {
    await openApp(page, '/')
    const panel = page.getByTestId('task-panel')
    await expect(panel).toBeInViewport()
    await page.getByTestId('toggle-right').click()
    await expect(panel).not.toBeInViewport()
    await page.getByTestId('toggle-right').click()
    await expect(panel).toBeInViewport()
  })
})

test.describe('mobile panels', () => {
  test.use({ viewport: { width: 390, height: 800 }, hasTouch: true, isMobile: true })

  test('the topic panel is hidden, opens as an overlay and closes after picking a topic', async ({ page }) => {
    const id = await createTopic(page, 'What is 5 * 5?')
    await page.getByTestId('toggle-left').tap()
    const panel = page.getByTestId('topic-panel')
    await expect(panel).toHaveAttribute('data-overlay', 'true')
    await newChat(page, 'tap')
    await expect(panel).not.toHaveAttribute('data-overlay', 'true')
    await sendAndWait(page, 'Hello mobile')
    await expect(page).toHaveURL(/\/t\/[^/]+$/)

    // Closed by default on a fresh load.
    await openApp(page, '/')
    await expect(panel).toHaveClass(/-translate-x-full/)
    await expect(panel).not.toBeInViewport()
    await expect(page.getByTestId('overlay-backdrop')).toHaveCount(0)
    await expect(page.getByTestId('toggle-left')).toBeInViewport()

    // Open: the panel lies over the chat, with a backdrop over the rest.
    await page.getByTestId('toggle-left').tap()
    await expect(panel).toHaveAttribute('data-overlay', 'true')
    await expect(panel).toHaveClass(/(^|\s)translate-x-0(\s|$)/)
    await expect(panel).toBeInViewport({ ratio: 1 })
    await expect(page.getByTestId('overlay-backdrop')).toBeVisible()
    const box = (await panel.boundingBox())!
    expect(box.x).toBe(0)
    const topmost = await page.evaluate(({ x, y }) => {
      const el = document.elementFromPoint(x, y)
      return {
        inPanel: !!el?.closest('[data-testid=topic-panel]'),
        backdrop: !!el?.closest('[data-testid=overlay-backdrop]'),
      }
    }, { x: box.width / 2, y: 400 })
    expect(topmost.inPanel).toBe(true)
    const beside = await page.evaluate(({ x }) => document.elementFromPoint(x, 400)?.closest('[data-testid=overlay-backdrop]') !== null, { x: box.width + 20 })
    expect(beside).toBe(true)

    // Tapping the backdrop closes it.
    await page.getByTestId('overlay-backdrop').tap({ position: { x: 370, y: 400 } })
    await expect(panel).not.toHaveAttribute('data-overlay', 'true')
    await expect(page.getByTestId('overlay-backdrop')).toHaveCount(0)

    // Tapping a topic navigates to it and closes the overlay.
    await page.getByTestId('toggle-left').tap()
    await expect(panel).toHaveAttribute('data-overlay', 'true')
    await panel.getByTestId('topic-item').filter({ hasText: 'What is 5 * 5?' }).getByRole('link').tap()
    await expect(page).toHaveURL(new RegExp(`/t/${id}$`))
    await expect(page.getByTestId('chat-title')).toHaveText('What is 5 * 5?')
    await expect(panel).not.toHaveAttribute('data-overlay', 'true')
    await expect(panel).not.toBeInViewport()
    await expect(page.getByTestId('overlay-backdrop')).toHaveCount(0)
    await expect(page.locator('[data-testid=message][data-role=assistant]')).toContainText('25')
  })

  test('nothing runs past the right edge: welcome cards fit, wide code scrolls inside its block', async ({ page }) => {
    await openApp(page, '/')
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    const cards = page.getByTestId('welcome').getByRole('button')
    await expect(cards).toHaveCount(4)
    for (const card of await cards.all()) {
      const box = (await card.boundingBox())!
      expect(box.x + box.width).toBeLessThanOrEqual(390)
    }
    expect(await overflow()).toBe(0)

    const line = `const ${'veryLongName'.repeat(12)} = [${Array.from({ length: 30 }, (_, i) => i).join(', ')}]`
    await sendAndWait(page, `Look:\n\n\`\`\`text\n${line}\n\`\`\``)
    const pre = page.locator('[data-testid=message][data-role=user] pre').first()
    await expect(pre).toBeVisible()
    const scroll = await pre.evaluate(el => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, whiteSpace: getComputedStyle(el).whiteSpace }))
    expect(scroll.whiteSpace).toBe('pre')
    expect(scroll.scrollWidth).toBeGreaterThan(scroll.clientWidth)
    expect(await pre.evaluate(el => el.getBoundingClientRect().right)).toBeLessThanOrEqual(390)
    expect(await overflow()).toBe(0)
  })

  test('the task panel opens as an overlay too, never together with the topic panel', async ({ page }) => {
    await openApp(page, '/')
    await sendAndWait(page, '/calc 6 * 7')
    const tasks = page.getByTestId('task-panel')
    await expect(tasks).not.toBeInViewport()
    await page.getByTestId('toggle-right').tap()
    await expect(tasks).toBeInViewport({ ratio: 1 })
    await expect(tasks.getByTestId('task-card')).toHaveAttribute('data-status', 'completed')
    await expect(tasks.getByTestId('task-result')).toContainText('42')
    await page.getByTestId('toggle-left').tap()
    await expect(page.getByTestId('topic-panel')).toHaveAttribute('data-overlay', 'true')
    await expect(tasks).not.toBeInViewport()
  })
})
