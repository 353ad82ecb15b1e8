// Runs once before the server tests: builds the app when the build is missing or stale, and creates
// a migrated PGlite data dir that every test server copies instead of running initdb itself.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startServer } from './helpers'

const root = resolve(import.meta.dirname, '../../..')
const serverEntry = join(root, '.output/server/index.mjs')
const tmpRoot = join(root, 'tests/.tmp')
const templateDir = join(tmpRoot, 'template-data')
const templateMarker = join(tmpRoot, 'template-data.ready')

// Everything that goes into `nuxt build`.
const sources = ['server', 'shared', 'pages', 'components', 'composables', 'utils', 'stores', 'layouts', 'plugins', 'middleware', 'assets', 'public', 'app.vue', 'error.vue', 'nuxt.config.ts', 'package.json', 'package-lock.json', 'tailwind.config.ts']

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/** REBUILD=1 always builds; REBUILD=0 keeps any existing build (quick reruns while others edit the UI). */
function buildIsStale(): boolean {
  if (process.env.REBUILD === '1' || !existsSync(serverEntry)) return true
  if (process.env.REBUILD === '0') return false
  const built = statSync(serverEntry).mtimeMs
  return sources.some(source => newestMtime(join(root, source)) > built)
}

function build(): Promise<void> {
  console.info('[server tests] building the app (npx nuxt build)…')
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npx', ['nuxt', 'build'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code === 0) resolvePromise()
      else reject(new Error(`nuxt build failed (exit ${code}):\n${output.slice(-4000)}`))
    })
  })
}

/** Starts the built server once on an empty dir so that PGlite's initdb and the migrations run there. */
async function createTemplate() {
  rmSync(templateDir, { recursive: true, force: true })
  rmSync(templateMarker, { force: true })
  mkdirSync(templateDir, { recursive: true })
  const server = await startServer({ dataDir: templateDir, timeoutMs: 120_000 })
  await server.stop()
  writeFileSync(templateMarker, new Date().toISOString())
}

function templateIsStale(): boolean {
  return !existsSync(templateMarker) || !existsSync(join(templateDir, 'pglite')) || statSync(templateMarker).mtimeMs < statSync(serverEntry).mtimeMs
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch {
    return false
  }
}

export default async function setup(project: TestProject) {
  if (buildIsStale()) await build()
  if (templateIsStale()) await createTemplate()

  // Each run copies the template into its own folder; folders of runs that died are removed here.
  const runsDir = join(tmpRoot, 'runs')
  mkdirSync(runsDir, { recursive: true })
  for (const entry of readdirSync(runsDir)) {
    const pid = Number(entry.split('-')[0])
    if (!Number.isInteger(pid) || !pidAlive(pid)) rmSync(join(runsDir, entry), { recursive: true, force: true })
  }
  const runDir = join(runsDir, `${process.pid}-${Date.now()}`)
  mkdirSync(runDir, { recursive: true })

  project.provide('serverTests', { root, serverEntry, templateDir, runDir })
  return () => {
    rmSync(runDir, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    serverTests: { root: string, serverEntry: string, templateDir: string, runDir: string }
  }
}
