// Browser tests against the built server (`npx nuxt build` first; `npm test` does it). Chromium is
// Debian's (or whichever scripts/test.mjs found): Playwright's own download is not needed.
import { availableParallelism } from 'node:os'
import { defineConfig, devices } from '@playwright/test'
import { chromiumArgs } from './scripts/find-chromium.mjs'

const port = Number(process.env.E2E_PORT ?? 3210)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // On CI one retry: on a loaded 2-core machine a browser test fails now and then on timing (a focus
  // or a socket under two workers); Playwright reports such a test as flaky, and a real failure
  // fails both tries.
  retries: process.env.CI ? 1 : 0,
  // Each worker drives its own browser against the one server: two suit a 2-core machine.
  workers: Math.min(2, availableParallelism()),
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1400, height: 860 } } }],
  webServer: {
    command: 'node scripts/e2e-server.mjs',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      BUILTIN_WORD_DELAY_MS: '10',
      SESSION_TIMEOUT_MINUTES: '60',
      // Every test's browser context is a new guest from 127.0.0.1: the per-address limits would
      // count them all together (tests/nuxt/server/limits.test.ts tests the limits themselves).
      GUESTS_PER_MINUTE_PER_IP: '10000',
      AUTH_ATTEMPTS_PER_MINUTE_PER_IP: '1000',
    },
  },
})
