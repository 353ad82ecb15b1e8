#!/usr/bin/env node
// The one test command (`npm test`): finds or installs a Chromium, runs every vitest project, builds
// the app when the build is missing or stale, runs the Playwright tests against it, then checks
// `npm run dev` from a fresh clone in the browser (tests/dev).
// Flags: --e2e-only, --no-e2e. Other arguments go to the one runner that runs (e.g. a file filter).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { findChromium } from './find-chromium.mjs'

const root = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const e2eOnly = args.includes('--e2e-only')
const noE2e = args.includes('--no-e2e')
const extra = args.filter(a => a !== '--e2e-only' && a !== '--no-e2e')
const results = []

function run(command, commandArgs, env = {}) {
  console.log(`\n$ ${[command, ...commandArgs].join(' ')}`)
  const { status } = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return status ?? 1
}

/** Runs a step, times it and records the outcome for the summary. */
function step(name, fn) {
  const started = Date.now()
  const outcome = fn()
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const ok = outcome === 0 || typeof outcome === 'string'
  results.push({ name, ok, detail: typeof outcome === 'string' ? outcome : `${seconds} s${ok ? '' : ` (exit ${outcome})`}` })
  return ok
}

function installChromium() {
  const isRoot = process.getuid?.() === 0
  const apt = existsSync('/usr/bin/apt-get') && existsSync('/etc/debian_version')
  if (isRoot && apt) {
    const env = { DEBIAN_FRONTEND: 'noninteractive' }
    if (run('apt-get', ['update'], env) === 0 && run('apt-get', ['install', '-y', 'chromium'], env) === 0 && findChromium()) return findChromium()
  }
  run('npx', ['playwright', 'install', 'chromium'])
  return findChromium()
}

// Everything that goes into `nuxt build` (the same list as tests/nuxt/server/global-setup.ts).
const sources = ['server', 'shared', 'pages', 'components', 'composables', 'stores', 'layouts', 'plugins', 'middleware', 'assets', 'public', 'app.vue', 'error.vue', 'nuxt.config.ts', 'package.json', 'package-lock.json', 'tailwind.config.ts']

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs)
}

function buildIfStale() {
  const entry = join(root, '.output/server/index.mjs')
  const builtAt = existsSync(entry) ? statSync(entry).mtimeMs : 0
  if (builtAt && sources.every(source => newestMtime(join(root, source)) <= builtAt)) return 'up to date'
  return run('npx', ['nuxt', 'build'], { NODE_ENV: 'production' })
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => done(port))
    })
  })
}

function summary() {
  console.log('\n── Test summary ──────────────────────────')
  for (const r of results) console.log(`  ${r.ok ? '✓' : '✗'} ${r.name.padEnd(12)} ${r.detail}`)
  const failed = results.filter(r => !r.ok).length
  console.log(failed ? `\n${failed} step(s) failed.` : '\nAll passed.')
  process.exit(failed ? 1 : 0)
}

if (e2eOnly && noE2e) {
  console.error('Use at most one of --e2e-only and --no-e2e.')
  process.exit(2)
}
if (extra.length && !e2eOnly && !noE2e) {
  console.error(`Extra arguments (${extra.join(' ')}) need --e2e-only or --no-e2e, so it is clear which runner gets them.`)
  process.exit(2)
}

let chromium = null
if (!noE2e) {
  chromium = findChromium() ?? installChromium()
  if (!chromium) {
    console.error('No Chromium found: install one (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium/Chrome executable.')
    process.exit(1)
  }
  results.push({ name: 'browser', ok: true, detail: chromium })
}

if (!e2eOnly) step('vitest', () => run('npx', ['vitest', 'run', ...extra]))

if (!noE2e) {
  if (step('build', buildIfStale)) {
    const port = String(await freePort())
    step('playwright', () => run('npx', ['playwright', 'test', ...extra], { E2E_CHROMIUM_PATH: chromium, E2E_PORT: port }))
  }
  else results.push({ name: 'playwright', ok: false, detail: 'not run: the build failed' })
  if (!extra.length) step('dev server', () => run('npx', ['playwright', 'test', '-c', 'playwright.dev.config.ts'], { E2E_CHROMIUM_PATH: chromium }))
}

summary()
