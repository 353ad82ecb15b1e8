// The browser's defences: the Content-Security-Policy and the other security headers, the app running
// under them with no violation (light and dark, server-rendered and hydrated, JavaScript off), images
// in messages that are never fetched by themselves, and another site's form that cannot post here.
import { expect, test, type APIResponse, type Page } from '@playwright/test'
import { createTopic, messages, openApp, sendAndWait } from './helpers'

/** Pages without a topic, checked like `/`. */
const PAGES = ['/', '/login', '/register', '/settings']

const MARKDOWN = [
  'Markdown check: **bold**, `inline`, a [link](https://example.org/docs "Docs") and a table.',
  '',
  '| kind | limit |',
  '|:-----|------:|',
  '| calc | 2 s |',
  '',
  '```python',
  '@cache',
  'def answer(x: int) -> int:',
  '    return 42  # the answer',
  '```',
].join('\n')

/** Chromium's console reports of a blocked action or a header it could not apply, and any error. */
function watchConsole(page: Page, problems: string[]) {
  page.on('console', (message) => {
    const text = message.text()
    if (message.type() === 'error' || /Content Security Policy|Refused to|Permissions-Policy/i.test(text)) problems.push(`console ${message.type()}: ${text}`)
  })
}

/** Collects CSP violations: the page's own `securitypolicyviolation` events, and the console's reports. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = []
  watchConsole(page, violations)
  await page.exposeFunction('__reportCspViolation', (text: string) => violations.push(`event: ${text}`))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation
      report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} in ${event.sourceFile}:${event.lineNumber} ${event.sample}`)
    }, true)
  })
  return violations
}

/** Chooses the theme the way a returning visitor has it: stored by color-mode, and the system's too. */
async function chooseTheme(page: Page, theme: 'light' | 'dark') {
  await page.emulateMedia({ colorScheme: theme })
  await page.addInitScript(value => localStorage.setItem('agent-chat-theme', value), theme)
}

function directives(response: APIResponse): Map<string, string[]> {
  const header = response.headers()['content-security-policy'] ?? ''
  return new Map(header.split(';').map(part => part.trim().split(/\s+/)).filter(([name]) => name).map(([name, ...values]) => [name!, values]))
}

test('pages carry a strict CSP with a fresh nonce and the other security headers', async ({ page, request }) => {
  const topicId = await createTopic(page, 'Headers check')
  const cookie = (await page.context().cookies()).map(c => `${c.name}=${c.value}`).join('; ')
  const nonces = new Set<string>()
  for (const path of [...PAGES, `/t/${topicId}`, '/t/no-such-topic']) {
    const response = await request.get(path, { headers: { cookie } })
    const csp = directives(response)
    const script = csp.get('script-src') ?? []
    const nonce = script.find(source => /^'nonce-[\w+/=]{16,}'$/.test(source))
    expect(nonce, `${path}: script-src ${script.join(' ')}`).toBeTruthy()
    nonces.add(nonce!)
    expect(script).toContain('\'strict-dynamic\'')
    expect(script.join(' ')).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/)
    expect(csp.get('script-src-attr')).toEqual(['\'none\''])
    expect(csp.get('style-src')!.join(' ')).not.toMatch(/unsafe-inline|\*|https?:/)
    expect(csp.get('default-src')).toEqual(['\'none\''])
    expect(csp.get('object-src')).toEqual(['\'none\''])
    expect(csp.get('base-uri')).toEqual(['\'none\''])
    expect(csp.get('frame-ancestors')).toEqual(['\'none\''])
    expect(csp.get('form-action')).toEqual(['\'self\''])
    expect(csp.get('img-src')).toEqual(['\'self\''])
    expect(csp.get('connect-src')).toEqual(['\'self\''])
    expect(csp.get('font-src')).toEqual(['\'self\''])
    // Every script element of the page carries this response's nonce.
    const html = await response.text()
    const scripts = html.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce!.slice(7, -1)}"`)

    const headers = response.headers()
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['x-frame-options']).toBe('DENY')
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    expect(headers['cross-origin-opener-policy']).toBe('same-origin')
    expect(headers['cross-origin-resource-policy']).toBe('same-origin')
    expect(headers['permissions-policy']).toContain('camera=()')
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/)
    expect(headers['x-powered-by']).toBeUndefined()
  }
  expect(nonces.size, 'a new nonce for every response').toBe(PAGES.length + 2)
})

for (const theme of ['light', 'dark'] as const) {
  test(`the app runs under its CSP with no violation (${theme} theme)`, async ({ page, browser }) => {
    const violations = await watchViolations(page)
    await chooseTheme(page, theme)
    for (const path of PAGES) await openApp(page, path)
    await openApp(page, '/')
    if (theme === 'dark') await expect(page.locator('html')).toHaveClass(/\bdark\b/)
    else await expect(page.locator('html')).not.toHaveClass(/\bdark\b/)

    // A topic with markdown: highlighted code, a table, a link; then a task result in the right panel.
    await sendAndWait(page, MARKDOWN)
    const content = messages(page, 'user').getByTestId('message-content')
    await expect(content.locator('pre.shiki span[style*="--shiki-"]').first()).toBeVisible()
    await expect(content.locator('table th')).toHaveCount(2)
    await expect(content.locator('a[href="https://example.org/docs"]')).toHaveAttribute('target', '_blank')
    await sendAndWait(page, '/calc 2^10')
    await expect(page.getByTestId('task-panel').getByTestId('task-result')).toContainText('1024')

    // The server's HTML of the same page, hydrated again.
    await page.reload()
    await expect(page.locator('[data-testid=connection-status][data-status=open]')).toBeAttached({ timeout: 20_000 })
    await expect(content.locator('pre.shiki span[style*="--shiki-"]').first()).toBeVisible()
    await expect(page.getByTestId('task-panel').getByTestId('task-result')).toContainText('1024')
    // Shiki's style attributes apply (a blocked one would leave its variables unset).
    const keyword = content.locator('pre.shiki span[style]', { hasText: /^def$/ })
    expect(await keyword.evaluate(el => getComputedStyle(el).getPropertyValue('--shiki-dark'))).toBe('#F97583')
    const topicPath = new URL(page.url()).pathname
    expect(violations).toEqual([])

    // The same pages with JavaScript off: only the server's HTML and CSS.
    const noScript = await browser.newContext({ javaScriptEnabled: false, colorScheme: theme, storageState: await page.context().storageState() })
    const staticPage = await noScript.newPage()
    const reported: string[] = []
    watchConsole(staticPage, reported)
    for (const path of [...PAGES, topicPath]) await staticPage.goto(path)
    await expect(staticPage.locator('[data-testid=message-content] pre.shiki span[style*="--shiki-"]').first()).toBeVisible()
    await expect(staticPage.getByTestId('task-result')).toContainText('1024')
    await noScript.close()
    expect(reported).toEqual([])
  })
}

test('images in messages are links: nothing is fetched from their servers, no remote <img> is made', async ({ page }) => {
  const violations = await watchViolations(page)
  const remote: string[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).hostname.endsWith('example.com')) remote.push(request.url())
  })
  await page.route(/example\.com/, route => route.abort())
  const attempts = [
    '![pixel](https://example.com/pixel.png)',
    '![ref pixel][px]',
    '[![linked pixel](https://example.com/inner.png)](https://example.org/page)',
    '<img src="https://example.com/raw.png"> <img src=x onerror="fetch(\'https://example.com/onerror\')">',
    '<picture><source srcset="https://example.com/source.png"></picture> <svg><image href="https://example.com/svg.png"/></svg>',
    '![inline](data:image/gif;base64,R0lGODlhAQABAAAAACw=)',
    '',
    '[px]: https://example.com/ref.png',
  ].join('\n')
  await createTopic(page, attempts)
  for (const pass of ['client', 'server']) {
    if (pass === 'server') await page.reload()
    const content = messages(page, 'user').getByTestId('message-content')
    const pixel = content.getByRole('link', { name: '🖼 pixel' })
    await expect(pixel, pass).toHaveAttribute('href', 'https://example.com/pixel.png')
    await expect(pixel).toHaveAttribute('target', '_blank')
    await expect(pixel).toHaveAttribute('rel', 'noopener noreferrer nofollow')
    await expect(content.getByRole('link', { name: '🖼 ref pixel' })).toHaveAttribute('href', 'https://example.com/ref.png')
    await expect(content.getByRole('link', { name: '🖼 linked pixel' })).toHaveAttribute('href', 'https://example.org/page')
    await expect(content).toContainText('🖼 inline')
    await expect(content).toContainText('<img src="https://example.com/raw.png">')
    const remoteImages = await page.evaluate(() => [...document.querySelectorAll('img, picture, source, svg image, [srcset]')]
      .map(el => el.outerHTML)
      .filter(html => /example\.com|data:/.test(html)))
    expect(remoteImages, pass).toEqual([])
  }
  await page.waitForTimeout(500)
  expect(remote).toEqual([])
  expect(violations).toEqual([])
})

test('a form on another site cannot post here, nor replace the visitor\'s session', async ({ page, baseURL }) => {
  await openApp(page, '/')
  const session = async () => (await page.context().cookies()).find(c => c.name === 'agent_chat_session')?.value
  const before = await session()
  expect(before).toBeTruthy()
  // A page elsewhere that submits itself at once, as a CSRF attack would.
  await page.route('http://other-site.test/', route => route.fulfill({
    contentType: 'text/html',
    body: `<form method="post" action="${baseURL}/api/auth/login"><input name="email" value="attacker@example.com"></form><script>document.forms[0].submit()</script>`,
  }))
  const answer = page.waitForResponse(response => response.url() === `${baseURL}/api/auth/login` && response.request().method() === 'POST')
  await page.goto('http://other-site.test/')
  expect((await answer).status()).toBe(403)
  expect(await session()).toBe(before)
})
