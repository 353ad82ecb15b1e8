// Keyboard and screen-reader use of the shell: axe finds no serious or critical violation (light and
// dark), collapsed panels take no focus, the mobile overlay and the help dialog hold the focus and
// give it back, the skip link reaches the message box, a polite live region is there.
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { createTopic, openApp } from './helpers'

const MOBILE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true }

async function seriousViolations(page: Page) {
  // Transitions finish first: axe measures colours of what is on screen.
  await page.waitForTimeout(300)
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | ')}`)
}

async function useTheme(page: Page, theme: 'light' | 'dark') {
  await page.emulateMedia({ colorScheme: theme })
  await page.addInitScript(value => localStorage.setItem('agent-chat-theme', value), theme)
}

/** Presses Tab `count` times and returns where the focus went each time. */
async function tabStops(page: Page, count: number, key = 'Tab') {
  const stops: Array<{ testid: string | null, panel: string | null, tag: string }> = []
  for (let i = 0; i < count; i++) {
    await page.keyboard.press(key)
    stops.push(await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      return {
        testid: el?.getAttribute('data-testid') ?? null,
        panel: el?.closest('[data-testid=topic-panel], [data-testid=task-panel]')?.getAttribute('data-testid') ?? null,
        tag: el?.tagName ?? 'none',
      }
    }))
  }
  return stops
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`axe, ${theme} theme`, () => {
    test(`no serious or critical violation on /, a topic and the settings page (${theme})`, async ({ page }) => {
      await useTheme(page, theme)
      const topicId = await createTopic(page, '/calc 6 * 7')
      await expect(page.getByTestId('task-card')).toHaveAttribute('data-status', /completed|failed/)
      for (const path of ['/', `/t/${topicId}`, '/settings']) {
        await openApp(page, path)
        expect.soft(await seriousViolations(page), `${path} (${theme})`).toEqual([])
      }
      // The open help dialog and a topic's open menu.
      await openApp(page, `/t/${topicId}`)
      await page.getByTestId('topic-menu-button').first().click()
      expect(await seriousViolations(page), `topic menu (${theme})`).toEqual([])
      await page.keyboard.press('Escape')
      await page.locator('body').press('?')
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
      expect(await seriousViolations(page), `help dialog (${theme})`).toEqual([])
    })

    test.describe(() => {
      test.use(MOBILE)
      test(`no serious or critical violation on the phone, panels closed and open (${theme})`, async ({ page }) => {
        await useTheme(page, theme)
        const topicId = await createTopic(page, '/calc 6 * 7')
        await openApp(page, `/t/${topicId}`)
        expect.soft(await seriousViolations(page), `topic (${theme}, mobile)`).toEqual([])
        await page.getByTestId('toggle-left').tap()
        await expect(page.getByTestId('topic-panel')).toHaveAttribute('data-overlay', 'true')
        expect(await seriousViolations(page), `topic panel open (${theme}, mobile)`).toEqual([])
        await page.getByTestId('toggle-right').tap()
        await expect(page.getByTestId('task-panel')).toHaveAttribute('data-overlay', 'true')
        expect(await seriousViolations(page), `task panel open (${theme}, mobile)`).toEqual([])
      })
    })
  })
}

test.describe('desktop: collapsed panels', () => {
  test('take no focus and leave the accessibility tree; opened again, they do', async ({ page }) => {
    await createTopic(page, 'What is 1 + 1?')
    const topicPanel = page.getByTestId('topic-panel')
    const taskPanel = page.getByTestId('task-panel')
    await expect(topicPanel.getByRole('link', { name: 'New Chat' })).toBeVisible()

    await page.getByTestId('toggle-left').click()
    await page.getByTestId('toggle-right').click()
    await expect(topicPanel).toHaveAttribute('inert', '')
    await expect(taskPanel).toHaveAttribute('inert', '')
    await expect(page.getByRole('link', { name: 'New Chat' })).toHaveCount(0)
    await expect(page.getByRole('complementary', { name: 'Topics' })).toHaveCount(0)

    await page.locator('body').click({ position: { x: 700, y: 400 } })
    const stops = await tabStops(page, 25)
    expect(stops.filter(stop => stop.panel)).toEqual([])
    expect(stops.some(stop => stop.testid === 'composer-input')).toBe(true)

    // Opened again: its links are reachable.
    await page.getByTestId('toggle-left').click()
    await expect(topicPanel).not.toHaveAttribute('inert')
    await expect(page.getByRole('link', { name: 'New Chat' })).toBeVisible()
    const again = await tabStops(page, 6)
    expect(again.some(stop => stop.panel === 'topic-panel')).toBe(true)
  })

  test('closing a panel from the keyboard while the focus is in it puts the focus on its toggle', async ({ page }) => {
    await openApp(page, '/')
    await page.getByTestId('topic-search').focus()
    await page.keyboard.press('ControlOrMeta+Shift+S')
    await expect(page.getByTestId('topic-panel')).toHaveAttribute('inert', '')
    await expect(page.getByTestId('toggle-left')).toBeFocused()
  })

  test('every aria-controls names an element that is there, on every page', async ({ page }) => {
    const topicId = await createTopic(page, 'What is 3 + 3?')
    for (const path of ['/', `/t/${topicId}`, '/settings', '/login']) {
      await openApp(page, path)
      const dangling = await page.evaluate(() => [...document.querySelectorAll('[aria-controls]')]
        .map(el => el.getAttribute('aria-controls')!)
        .filter(id => !document.getElementById(id)))
      expect(dangling, path).toEqual([])
    }
  })
})

test.describe('mobile: panels and overlays', () => {
  test.use(MOBILE)

  test('closed panels take no focus; the open overlay holds it, Escape closes it and focuses its toggle', async ({ page }) => {
    await createTopic(page, 'What is 4 + 4?')
    await expect(page.getByTestId('topic-panel')).toHaveAttribute('inert', '')
    await expect(page.getByTestId('task-panel')).toHaveAttribute('inert', '')
    const closed = await tabStops(page, 20)
    expect(closed.filter(stop => stop.panel)).toEqual([])

    // Opened from the keyboard: the focus goes in, and Tab and Shift+Tab stay in.
    await page.getByTestId('toggle-left').focus()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('topic-panel')).toHaveAttribute('data-overlay', 'true')
    await expect(page.locator('main')).toHaveAttribute('inert', '')
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid=topic-panel]'))).toBe(true)
    const forward = await tabStops(page, 20)
    expect(forward.filter(stop => stop.panel !== 'topic-panel')).toEqual([])
    // It cycles: the stops repeat.
    expect(new Set(forward.map(stop => stop.testid ?? stop.tag)).size).toBeLessThan(forward.length)
    const backward = await tabStops(page, 20, 'Shift+Tab')
    expect(backward.filter(stop => stop.panel !== 'topic-panel')).toEqual([])

    await page.keyboard.press('Escape')
    await expect(page.getByTestId('topic-panel')).not.toHaveAttribute('data-overlay', 'true')
    await expect(page.getByTestId('toggle-left')).toBeFocused()
    await expect(page.locator('main')).not.toHaveAttribute('inert')

    // The task panel the same way.
    await page.getByTestId('toggle-right').focus()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('task-panel')).toHaveAttribute('data-overlay', 'true')
    const inTasks = await tabStops(page, 10)
    expect(inTasks.filter(stop => stop.panel !== 'task-panel')).toEqual([])
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('toggle-right')).toBeFocused()
  })

  test('at 360 px the controls are at least 40 px tall and nothing scrolls sideways', async ({ page }) => {
    await createTopic(page, '/calc 2 + 2')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBe(0)
    await page.getByTestId('toggle-left').tap()
    await expect(page.getByTestId('topic-panel')).toHaveAttribute('data-overlay', 'true')
    const small = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-testid=topic-panel] a, [data-testid=topic-panel] button, [data-testid=topic-panel] input, [data-testid^=toggle-]')]
      .filter(el => el.getClientRects().length)
      .map(el => ({ what: el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.trim(), height: Math.round(el.getBoundingClientRect().height) }))
      .filter(({ height }) => height < 40))
    expect(small).toEqual([])
  })
})

test('the help dialog: "?" opens it, it holds the focus, Escape closes it and the focus comes back', async ({ page }) => {
  await openApp(page, '/')
  const input = page.getByTestId('composer-input')
  // "?" in a text field is a question mark.
  await input.focus()
  await input.press('?')
  await expect(input).toHaveValue('?')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await input.fill('')

  await page.getByTestId('new-chat').focus()
  await page.keyboard.press('?')
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(dialog).toBeVisible()
  await expect(dialog).toHaveAttribute('aria-modal', 'true')
  await expect(dialog.getByTestId('help-shortcut')).toHaveCount(7)
  await expect(dialog).toContainText('Stop the streaming reply')
  await expect(page.getByTestId('help-close')).toBeFocused()
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid=help-dialog]'))).toBe(true)
  }
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('new-chat')).toBeFocused()

  // Ctrl+/ opens it from a text field, and the close button closes it.
  await input.focus()
  await page.keyboard.press('ControlOrMeta+/')
  await expect(dialog).toBeVisible()
  await page.getByTestId('help-close').click()
  await expect(dialog).toBeHidden()
  await expect(input).toBeFocused()
})

test('the skip link is the first stop and goes to the message box; a polite live region is there', async ({ page }) => {
  const topicId = await createTopic(page, 'What is 2 * 2?')
  await openApp(page, `/t/${topicId}`)
  await expect(page.getByTestId('live-region')).toHaveAttribute('aria-live', 'polite')
  const skip = page.getByTestId('skip-link')
  // First in the tab order: the first focusable element of the page.
  expect(await page.evaluate(() => document.querySelector('a[href], button, input, textarea, select')?.getAttribute('data-testid'))).toBe('skip-link')
  await skip.focus()
  await expect(skip).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('composer-input')).toBeFocused()

  // Where nothing has the focus yet, Tab reaches it first; without a message box it goes to main.
  await openApp(page, '/settings')
  await page.keyboard.press('Tab')
  await expect(page.getByTestId('skip-link')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.locator('main#main')).toBeFocused()
})
