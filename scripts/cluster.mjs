#!/usr/bin/env node
// `npm run cluster`: the multi-instance topology of docs/deploy.md without Docker. N instances of
// the built server on one Postgres and one Redis, optional separate task workers, and a
// round-robin proxy (scripts/lb.mjs) in front, for people and for tests (import startCluster).
//
//   npm run cluster [-- --instances 2] [--workers 0] [--port 3000] [--host 127.0.0.1] [--build]
//
// Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/agent_chat_cluster, created
// when missing), REDIS_URL (default redis://127.0.0.1:6379), REDIS_PREFIX (default
// agent-chat-cluster:), SESSION_SECRET (default: generated once into .data/cluster/session-secret).
// Everything else in the environment (limits, AGENTS_FILE, provider keys) reaches every instance.
// Ctrl-C or SIGTERM stops the proxy, then each process gracefully (SIGKILL after 20 s).
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { startBalancer } from './lb.mjs'

const root = resolve(import.meta.dirname, '..')
const serverEntry = join(root, '.output/server/index.mjs')
const workerEntry = join(root, '.output/server/worker.mjs')
const clusterDir = join(root, '.data/cluster')
const STOP_TIMEOUT_MS = 20_000
const READY_TIMEOUT_MS = 120_000

export const DEFAULTS = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/agent_chat_cluster',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_PREFIX: 'agent-chat-cluster:',
}

class ClusterError extends Error {}

const sleep = ms => new Promise(done => setTimeout(done, ms))

/** The database named by the URL, created through the server's `postgres` database if missing. */
export async function ensureDatabase(databaseUrl) {
  const { default: pg } = await import('pg')
  const url = new URL(databaseUrl)
  const name = decodeURIComponent(url.pathname.slice(1))
  if (!name) throw new ClusterError('DATABASE_URL names no database')
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.href, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  }
  catch (error) {
    throw new ClusterError(`Postgres is not reachable at ${url.host} (${error.code ?? error.message}): start it, or set DATABASE_URL`)
  }
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount) return false
    await client.query(`create database "${name.replace(/"/g, '""')}"`)
    return true
  }
  finally {
    await client.end()
  }
}

export async function checkRedis(redisUrl) {
  const { default: Redis } = await import('ioredis')
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  let cause
  redis.on('error', (error) => {
    cause ??= error
  })
  try {
    await redis.connect()
    await redis.ping()
  }
  catch (error) {
    const reason = (cause ?? error).code ?? (cause ?? error).message
    throw new ClusterError(`Redis is not reachable at ${new URL(redisUrl).host} (${reason}): start it, or set REDIS_URL`)
  }
  finally {
    redis.disconnect()
  }
}

/** SESSION_SECRET, else the one kept in .data/cluster/session-secret (generated once, mode 0600). */
export function sessionSecret(env = process.env) {
  if (env.SESSION_SECRET) return env.SESSION_SECRET
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 })
  const file = join(clusterDir, 'session-secret')
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 })
  chmodSync(file, 0o600)
  return readFileSync(file, 'utf8').trim()
}

function portIsFree(port, host) {
  return new Promise((done) => {
    const probe = createServer()
    probe.once('error', () => done(false))
    probe.listen(port, host, () => probe.close(() => done(true)))
  })
}

function anyFreePort(host) {
  return new Promise((done, fail) => {
    const probe = createServer()
    probe.once('error', fail)
    probe.listen(0, host, () => {
      const { port } = probe.address()
      probe.close(() => done(port))
    })
  })
}

/** `count` ports: the ones after `base` while they are free, then any free ones (all any with base 0). */
async function pickPorts(count, base, host) {
  const ports = []
  let candidate = base
  while (base && ports.length < count && candidate < Math.min(base + count * 4, 65535)) {
    candidate++
    if (await portIsFree(candidate, host)) ports.push(candidate)
  }
  while (ports.length < count) {
    const port = await anyFreePort(host)
    if (!ports.includes(port) && port !== base) ports.push(port)
  }
  return ports
}

const COLORS = [36, 33, 35, 32, 34, 31]

/** Prints each line of the child's output with its name in front. */
function prefixOutput(child, name, index) {
  const tag = process.stdout.isTTY ? `\x1b[${COLORS[index % COLORS.length]}m[${name}]\x1b[0m` : `[${name}]`
  for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', line => out.write(`${tag} ${line}\n`))
  }
}

/** Every process this module started, until it exits. */
const spawned = new Set()

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
}

function waitForExit(child, ms) {
  if (exited(child)) return Promise.resolve(true)
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      done(true)
    })
  })
}

/** SIGTERM to each live process, then wait; SIGKILL whatever still runs after STOP_TIMEOUT_MS. */
async function stopProcesses(procs) {
  const live = procs.filter(p => !exited(p.child))
  for (const p of live) p.child.kill('SIGTERM')
  await Promise.all(live.map(async (p) => {
    if (await waitForExit(p.child, STOP_TIMEOUT_MS)) return
    console.warn(`[cluster] ${p.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s: SIGKILL`)
    p.child.kill('SIGKILL')
    await waitForExit(p.child, 5000)
  }))
}

/** Starts one process of the built server with its own name, port and data dir. */
function startProcess({ name, index, entry, port, host, env, detached }) {
  const dataDir = join(clusterDir, name)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { ...env, PORT: String(port), HOST: host, INSTANCE_ID: name, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    // From the command line each child gets its own process group: a Ctrl-C in the terminal then
    // reaches only this script, which sends each child one SIGTERM (a second signal would cut
    // Nitro's graceful shutdown short). From code, children stay in the caller's group so they
    // cannot outlive a test runner that dies.
    detached,
  })
  spawned.add(child)
  child.once('exit', () => spawned.delete(child))
  prefixOutput(child, name, index)
  return { name, port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, child }
}

/** Resolves once GET /api/health answers 200; rejects if the process exits or time runs out. */
async function waitHealthy(proc) {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (exited(proc.child)) throw new ClusterError(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was healthy`)
    const status = await fetch(`${proc.url}/api/health`, { signal: AbortSignal.timeout(3000) }).then(r => r.status, () => 0)
    if (status === 200) return
    if (Date.now() > deadline) throw new ClusterError(`${proc.name} was not healthy after ${READY_TIMEOUT_MS / 1000} s (last status ${status || 'no answer'})`)
    await sleep(200)
  }
}

function runBuild(reason) {
  console.info(`[cluster] ${reason}: running \`npm run build\`…`)
  return new Promise((done, fail) => {
    const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
    child.on('error', fail)
    child.on('exit', code => code === 0 ? done() : fail(new ClusterError(`npm run build failed (exit ${code})`)))
  })
}

/**
 * Starts the cluster and resolves once every process is healthy and the proxy listens.
 * Options: instances (2), workers (0), port of the proxy (3000; 0 = any), host (127.0.0.1),
 * build (true: build when .output is missing; 'always': rebuild; false: fail without a build),
 * env (extra variables for every process), detached (own process groups: for the command line).
 */
export async function startCluster({ instances = 2, workers = 0, port = 3000, host = '127.0.0.1', build = true, env: extraEnv = {}, detached = false } = {}) {
  if (!Number.isInteger(instances) || instances < 1) throw new ClusterError('--instances must be a whole number of at least 1')
  if (!Number.isInteger(workers) || workers < 0) throw new ClusterError('--workers must be a whole number of at least 0')
  if (build === 'always') await runBuild('--build')
  else if (!existsSync(serverEntry)) {
    if (!build) throw new ClusterError('No build in .output: run `npm run build` first')
    await runBuild('no build in .output')
  }
  if (workers > 0 && !existsSync(workerEntry)) {
    throw new ClusterError('--workers needs .output/server/worker.mjs, the separate worker entry, which this build does not have yet (it comes with the Redis task queue). Run without --workers: every instance runs its own tasks.')
  }
  if (port && !(await portIsFree(port, host))) throw new ClusterError(`Port ${port} is in use: choose another with --port`)
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: process.env.DATABASE_URL || DEFAULTS.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL || DEFAULTS.REDIS_URL,
    REDIS_PREFIX: process.env.REDIS_PREFIX || DEFAULTS.REDIS_PREFIX,
    TRUST_PROXY: '1',
    ...extraEnv,
  }
  env.SESSION_SECRET = sessionSecret(env)
  if (await ensureDatabase(env.DATABASE_URL)) console.info(`[cluster] created database ${new URL(env.DATABASE_URL).pathname.slice(1)}`)
  await checkRedis(env.REDIS_URL)

  const ports = await pickPorts(instances + workers, port, host)
  const procs = []
  const cluster = {
    url: '',
    instances: [],
    workers: [],
    balancer: undefined,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    stop,
  }
  let stopping
  function stop() {
    stopping ??= (async () => {
      await cluster.balancer?.close()
      await stopProcesses(procs)
    })()
    return stopping
  }
  try {
    const start = (name, index, entry, extra = {}) => {
      const proc = startProcess({ name, index, entry, port: ports[index], host, env: { ...env, ...extra }, detached })
      procs.push(proc)
      proc.child.on('exit', (code, signal) => {
        if (!stopping) console.warn(`[cluster] ${name} exited (${code ?? signal}); the proxy skips it`)
      })
      return proc
    }
    // The first instance alone runs the migrations of a fresh database; the others start after it.
    cluster.instances.push(start('app-1', 0, serverEntry))
    await waitHealthy(cluster.instances[0])
    for (let n = 2; n <= instances; n++) cluster.instances.push(start(`app-${n}`, n - 1, serverEntry))
    for (let k = 1; k <= workers; k++) cluster.workers.push(start(`worker-${k}`, instances + k - 1, workerEntry, { APP_ROLE: 'worker' }))
    await Promise.all([...cluster.instances, ...cluster.workers].map(waitHealthy))
    cluster.balancer = await startBalancer({ targets: cluster.instances.map(({ name, url }) => ({ name, url })), port, host })
    cluster.url = cluster.balancer.url
    return cluster
  }
  catch (error) {
    await stop()
    throw error
  }
}

function parseCli(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      instances: { type: 'string', default: '2' },
      workers: { type: 'string', default: '0' },
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      build: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  return values
}

async function main() {
  let options
  try {
    options = parseCli(process.argv.slice(2))
  }
  catch (error) {
    console.error(`${error.message}\nUsage: npm run cluster -- [--instances 2] [--workers 0] [--port 3000] [--host 127.0.0.1] [--build]`)
    process.exit(2)
  }
  if (options.help) {
    console.info(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 12).map(line => line.replace(/^\/\/ ?/, '')).join('\n'))
    return
  }
  let cluster
  let signals = 0
  const onSignal = async () => {
    if (++signals > 1) {
      console.warn('[cluster] second signal: killing everything now')
      process.exit(130)
    }
    console.info('[cluster] stopping…')
    if (cluster) await cluster.stop()
    else await stopProcesses([...spawned].map(child => ({ name: `pid ${child.pid}`, child })))
    process.exit(0)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // The children have process groups of their own: whatever way this script ends, they end with it.
  process.on('exit', () => {
    for (const child of spawned) child.kill('SIGKILL')
  })
  try {
    cluster = await startCluster({
      instances: Number(options.instances),
      workers: Number(options.workers),
      port: Number(options.port),
      host: options.host,
      build: options.build ? 'always' : true,
      detached: true,
    })
  }
  catch (error) {
    console.error(`[cluster] ${error instanceof ClusterError ? error.message : error.stack}`)
    process.exit(1)
  }
  for (const p of cluster.instances) console.info(`[cluster] ${p.name}  ${p.url}  pid ${p.child.pid}`)
  for (const p of cluster.workers) console.info(`[cluster] ${p.name}  ${p.url}  pid ${p.child.pid}  (task worker)`)
  const db = new URL(cluster.databaseUrl)
  console.info(`[cluster] Postgres ${db.host}${db.pathname}, Redis ${new URL(cluster.redisUrl).host} (prefix ${cluster.redisPrefix})`)
  console.info(`[cluster] open ${cluster.url}  (round robin over ${cluster.instances.map(p => p.name).join(', ')}; Ctrl-C stops)`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main()
