// Shared pieces of the bench/ scripts: starting servers (the built app, bare baselines), reading a
// process's CPU time and memory from /proc, percentiles, and a results table with ratios and targets.
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const root = resolve(import.meta.dirname, '..')
export const serverEntry = join(root, '.output/server/index.mjs')
const CLK_TCK = 100
const PAGE_KB = 4

export function sleep(ms) {
  return new Promise(done => setTimeout(done, ms))
}

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => done(port))
    })
  })
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
}

/** Resident memory of the process, in KiB. */
export function rssKiB(pid) {
  const fields = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')
  return Number(fields[1]) * PAGE_KB
}

export function percentile(sorted, p) {
  if (!sorted.length) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export function fmt(value, digits = 1) {
  if (typeof value !== 'number' || Number.isNaN(value)) return '–'
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

/** Spawns a node process and resolves once `ready` (a function of its output so far) is true. */
export function startProcess(args, { env = {}, ready, timeoutMs = 60_000, cwd = root, nodeArgs = [] } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const onData = chunk => (output += chunk.toString())
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const started = new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`not ready within ${timeoutMs} ms:\n${output.slice(-3000)}`)), timeoutMs)
    const check = () => {
      if (ready(output)) {
        clearTimeout(timer)
        child.stdout.off('data', check)
        child.stderr.off('data', check)
        done()
      }
    }
    child.stdout.on('data', check)
    child.stderr.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`exited with ${code} before it was ready:\n${output.slice(-3000)}`))
    })
  })
  return {
    child,
    pid: child.pid,
    started,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const exited = new Promise(done => child.once('exit', done))
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}

const templateDir = join(root, 'tests/.tmp/bench-template')

/** A migrated PGlite data dir (made once, then copied): the first initdb takes seconds and ~1 GB. */
export async function freshDataDir() {
  if (!existsSync(join(templateDir, 'pglite'))) {
    mkdirSync(templateDir, { recursive: true })
    const app = await startApp({ dataDir: templateDir })
    await app.stop()
  }
  const dir = mkdtempSync(join(tmpdir(), 'agent-chat-bench-'))
  cpSync(templateDir, dir, { recursive: true })
  return dir
}

/**
 * The built app on a free port. Benchmarks raise the limits by env (the code path stays the same):
 * the rates a load generator on one address would hit at once.
 */
export async function startApp({ env = {}, dataDir, nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean) } = {}) {
  if (!existsSync(serverEntry)) throw new Error('No build: run `npm run build` first.')
  const port = await freePort()
  const dir = dataDir ?? await freshDataDir()
  const app = startProcess([serverEntry], {
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dir,
      WS_RATE_PER_SECOND: '1000000',
      WS_RATE_BURST: '1000000',
      WS_MAX_SOCKETS_PER_USER: '100000',
      GUESTS_PER_MINUTE_PER_IP: '1000000',
      SENDS_PER_MINUTE: '1000000',
      REPLIES_PER_USER: '100000',
      ...env,
    },
    ready: output => /Listening on/.test(output),
    nodeArgs,
  })
  await app.started
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`${url}/api/health`).then(r => r.status, () => 0)) === 200) break
    await sleep(100)
  }
  return {
    ...app,
    url,
    port,
    dataDir: dir,
    async stop() {
      await app.stop()
      if (!dataDir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A guest's session cookie (a page view makes one). */
export async function guestCookie(url) {
  const response = await fetch(`${url}/`)
  await response.arrayBuffer()
  const cookie = response.headers.getSetCookie().map(c => c.split(';')[0]).find(c => c.startsWith('agent_chat_session='))
  if (!cookie) throw new Error(`no session cookie (status ${response.status})`)
  return cookie
}

/** Prints a markdown table. */
export function table(headers, rows) {
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`]
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`)
  console.log(lines.join('\n'))
}

/** A hard stop for a benchmark that hangs: everything it started dies with it. */
export function hardLimit(seconds, cleanup) {
  const timer = setTimeout(async () => {
    console.error(`[bench] hard limit of ${seconds} s reached: stopping`)
    await cleanup?.().catch(() => {})
    process.exit(2)
  }, seconds * 1000)
  timer.unref()
}

export function arg(name, fallback) {
  const found = process.argv.find(a => a.startsWith(`--${name}=`))
  return found ? found.slice(name.length + 3) : fallback
}
