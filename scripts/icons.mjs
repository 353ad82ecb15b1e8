#!/usr/bin/env node
// Renders the app's PNG icons (public/icons/) from public/favicon.svg with Chromium: 192 and 512 px
// as they are, a 512 px maskable one (the mark inside the safe zone on a full-bleed background), and
// Apple's 180 px touch icon. Run it after changing the favicon, and commit the PNGs.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium } from '@playwright/test'
import { chromiumArgs, findChromium } from './find-chromium.mjs'

const root = resolve(import.meta.dirname, '..')
const svg = readFileSync(join(root, 'public/favicon.svg'), 'utf8')
const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
const BRAND = '#4f46e5'

const icons = [
  { file: 'icon-192.png', size: 192 },
  { file: 'icon-512.png', size: 512 },
  // Maskable: the platform crops to a circle or squircle of 80 % of the width; the mark fills 60 %.
  { file: 'icon-maskable-512.png', size: 512, inset: 0.2, background: BRAND },
  { file: 'apple-touch-icon.png', size: 180, inset: 0.1, background: BRAND },
]

const executablePath = findChromium()
if (!executablePath) {
  console.error('Needs a Chromium (`apt-get install chromium` or CHROMIUM_PATH).')
  process.exit(1)
}
const browser = await chromium.launch({ executablePath, args: chromiumArgs })
try {
  for (const { file, size, inset = 0, background = 'transparent' } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 })
    const pad = Math.round(size * inset)
    await page.setContent(`<body style="margin:0;background:${background}"><img src="${dataUrl}" style="display:block;margin:${pad}px;width:${size - 2 * pad}px;height:${size - 2 * pad}px"></body>`)
    await page.locator('img').evaluate(img => img.decode())
    await page.screenshot({ path: join(root, 'public/icons', file), omitBackground: background === 'transparent' })
    await page.close()
    console.log(`public/icons/${file}`)
  }
}
finally {
  await browser.close()
}
