// The dev-server check (tests/dev): it makes its own fresh clone, installs it and runs `npm run dev`,
// so it needs no build and no web server from this config. `npm test` runs it as its own step.
import { defineConfig, devices } from '@playwright/test'
import { chromiumArgs } from './scripts/find-chromium.mjs'

export default defineConfig({
  testDir: 'tests/dev',
  outputDir: 'test-results/dev',
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  timeout: 300_000,
  expect: { timeout: 15_000 },
  reporter: 'list',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1400, height: 860 } } }],
})
