#!/usr/bin/env node
// Cold start: from `node .output/server/index.mjs` to the first 200 of /api/health, for the app on
// an existing data dir (PGlite reopens its database), against the build of an empty Nuxt app (just
// app.vue, the same Nuxt) answering its first request (target: app ≤ 2×). The very first start on an
// empty data dir (PGlite's initdb) is reported apart. Several runs each, alternating.
//
// Two reference rows say where the time goes: a bare Node script that only opens the same PGlite data
// dir and queries it (the floor of any app on the embedded database), and the app on Postgres
// (a database bench_cold_start on the server of --database-url, default the machine's
// postgres://postgres@127.0.0.1:5432/test, when it answers).
//
//   npm run build && node bench/cold-start.mjs [--runs=5] [--database-url=postgres://…]
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { arg, fmt, freePort, freshDataDir, hardLimit, percentile, root, serverEntry, sleep, table } from './lib.mjs'

const runs = Number(arg('runs', '5'))
hardLimit(Number(arg('max-seconds', '300')))

/** The build of an empty Nuxt app (same Nuxt as the app), made once and kept under tests/.tmp. */
function emptyNuxtBuild() {
  const dir = join(root, 'tests/.tmp/empty-nuxt')
  const nuxtVersion = JSON.parse(readFileSync(join(root, 'node_modules/nuxt/package.json'), 'utf8')).version
  const marker = join(dir, `.built-${nuxtVersion}`)
  if (existsSync(marker)) return join(dir, '.output/server/index.mjs')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'app.vue'), '<template><div>Hello</div></template>\n')
  writeFileSync(join(dir, 'nuxt.config.ts'), 'export default defineNuxtConfig({ devtools: { enabled: false }, compatibilityDate: \'2025-07-15\' })\n')
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n')
  console.error('[cold-start] building an empty Nuxt app once (tests/.tmp/empty-nuxt)…')
  const build = spawnSync(process.execPath, [join(root, 'node_modules/nuxt/bin/nuxt.mjs'), 'build'], { cwd: dir, env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8' })
  if (build.status !== 0) throw new Error(`empty Nuxt build failed:\n${build.stdout}\n${build.stderr}`)
  writeFileSync(marker, '')
  return join(dir, '.output/server/index.mjs')
}

/** Milliseconds from spawn to the first 200 of `path`. */
async function timeToFirst(entry, path, env) {
  const port = await freePort()
  const t0 = performance.now()
  const child = spawn(process.execPath, [entry], { env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env }, stdio: 'ignore' })
  let ms = Number.NaN
  for (let i = 0; i < 3000; i++) {
    if ((await fetch(`http://127.0.0.1:${port}${path}`).then(r => r.status, () => 0)) === 200) {
      ms = performance.now() - t0
      break
    }
    await sleep(5)
  }
  child.kill('SIGKILL')
  await new Promise(done => child.once('exit', done))
  return ms
}

/** Milliseconds from spawn to the exit of a script that opens the PGlite data dir and runs one query. */
async function bareDatabaseOpen(dataDir) {
  const pglite = join(root, 'node_modules/@electric-sql/pglite/dist/index.js')
  const script = `const { PGlite } = await import(${JSON.stringify(pglite)}); const db = await PGlite.create(${JSON.stringify(join(dataDir, 'pglite'))}); await db.query('select count(*) from topics'); process.exit(0)`
  const t0 = performance.now()
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' })
  await new Promise(done => child.once('exit', done))
  return performance.now() - t0
}

/** A database of the bench's own on that server (made once), or null when no Postgres answers. */
async function benchDatabase(adminUrl) {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', ['bench_cold_start'])
    if (!rowCount) await client.query('create database bench_cold_start')
    const url = new URL(adminUrl)
    url.pathname = '/bench_cold_start'
    return url.toString()
  }
  catch {
    return null
  }
  finally {
    await client.end().catch(() => {})
  }
}

const emptyEntry = emptyNuxtBuild()
const databaseUrl = await benchDatabase(arg('database-url', 'postgres://postgres@127.0.0.1:5432/test'))
const withPostgres = databaseUrl !== null
const dataDir = await freshDataDir()
const app = []
const empty = []
const bare = []
const onPostgres = []
// The data dir's first start (initdb and migrations) is not counted.
await timeToFirst(serverEntry, '/api/health', { DATA_DIR: dataDir })
if (withPostgres) await timeToFirst(serverEntry, '/api/health', { DATA_DIR: dataDir, DATABASE_URL: databaseUrl })
for (let i = 0; i < runs; i++) {
  empty.push(await timeToFirst(emptyEntry, '/', {}))
  app.push(await timeToFirst(serverEntry, '/api/health', { DATA_DIR: dataDir }))
  bare.push(await bareDatabaseOpen(dataDir))
  if (withPostgres) onPostgres.push(await timeToFirst(serverEntry, '/api/health', { DATA_DIR: dataDir, DATABASE_URL: databaseUrl }))
}
const first = []
for (let i = 0; i < 2; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'cold-start-initdb-'))
  first.push(await timeToFirst(serverEntry, '/api/health', { DATA_DIR: dir }))
  rmSync(dir, { recursive: true, force: true })
}
rmSync(dataDir, { recursive: true, force: true })
const sorted = list => [...list].sort((a, b) => a - b)
const row = (name, list) => [name, fmt(sorted(list)[0], 0), fmt(percentile(sorted(list), 50), 0), fmt(sorted(list).at(-1), 0)]
console.log(`\n### Cold start: spawn to first 200, ${runs} runs each (ms)\n`)
const rows = [row('empty Nuxt app (GET /)', empty), row('app, existing data (GET /api/health)', app), row('app, first start ever (initdb)', first), row('reference: bare script opening the same PGlite dir', bare)]
if (withPostgres) rows.push(row('reference: app on Postgres (GET /api/health)', onPostgres))
table(['server', 'min', 'median', 'max'], rows)
const median = list => percentile(sorted(list), 50)
console.log(`\nRatio of medians, app ÷ empty Nuxt: ${fmt(median(app) / median(empty), 2)} (target ≤ 2).`)
console.log(`Bare PGlite open ÷ empty Nuxt: ${fmt(median(bare) / median(empty), 2)}; app ÷ bare PGlite open: ${fmt(median(app) / median(bare), 2)}${withPostgres ? `; app on Postgres ÷ empty Nuxt: ${fmt(median(onPostgres) / median(empty), 2)}` : ''}.`)
process.exit(0)
