// Installable: the page links a manifest whose icons exist at their stated sizes, under the CSP.
import { expect, test } from '@playwright/test'
import { openApp } from './helpers'

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer) {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`
}

test('the manifest is linked, complete, and its icons are there at their sizes', async ({ page, request }) => {
  const violations: string[] = []
  page.on('console', message => /Content Security Policy|Manifest/i.test(message.text()) && violations.push(message.text()))
  await openApp(page, '/')
  await expect(page.locator('link[rel=manifest]')).toHaveAttribute('href', '/manifest.webmanifest')
  await expect(page.locator('meta[name=theme-color]')).toHaveCount(2)

  const response = await request.get('/manifest.webmanifest')
  expect(response.ok()).toBe(true)
  const manifest = await response.json()
  expect(manifest).toMatchObject({ name: 'Agent Chat', short_name: 'Agent Chat', start_url: '/', display: 'standalone' })
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i)
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i)
  const pngs = manifest.icons.filter((icon: { type: string }) => icon.type === 'image/png')
  expect(pngs.map((icon: { sizes: string, purpose: string }) => `${icon.sizes} ${icon.purpose}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable'])
  for (const icon of pngs) {
    const file = await request.get(icon.src)
    expect(file.headers()['content-type']).toBe('image/png')
    expect(pngSize(await file.body())).toBe(icon.sizes)
  }
  // Chromium reads the manifest under the page's CSP (manifest-src) without complaint.
  await page.waitForTimeout(500)
  expect(violations).toEqual([])
})
