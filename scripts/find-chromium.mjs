// Where a Chromium is on this machine: the path named by PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH or
// CHROMIUM_PATH, else Debian's, else Playwright's own download if one is on disk; null if none.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')

function bundledChromium() {
  try {
    const path = createRequire(join(root, 'package.json'))('playwright-core').chromium.executablePath()
    return existsSync(path) ? path : null
  }
  catch {
    return null
  }
}

export function findChromium() {
  const fromEnv = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH || process.env.CHROMIUM_PATH
  if (fromEnv && !existsSync(fromEnv)) {
    console.error(`The Chromium named by the environment does not exist: ${fromEnv}`)
    process.exit(1)
  }
  if (fromEnv) return fromEnv
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(p => existsSync(p)) ?? bundledChromium()
}

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
