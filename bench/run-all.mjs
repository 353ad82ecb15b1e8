#!/usr/bin/env node
// `npm run bench`: every benchmark once, in a budget of under ten minutes on two cores, each printing
// its baseline, the app, their ratio and the target. Run it on a quiet machine; each script starts
// and stops its own servers. Figures and their commands are kept in docs/benchmarks.md.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './lib.mjs'

if (!existsSync(join(root, '.output/server/index.mjs'))) {
  console.error('No build: run `npm run build` first.')
  process.exit(1)
}
const suite = [
  ['ws-roundtrip.mjs', '--sockets=100,1000', '--seconds=4', '--rounds=1'],
  ['stream-cpu.mjs', '--replies=100,1000'],
  ['sse-parse.mjs', '--rounds=2'],
  ['idle-sockets.mjs', '--sockets=10000', '--step=5000'],
  ['long-topic.mjs'],
  ['first-load.mjs'],
  ['cold-start.mjs', '--runs=5'],
]
const started = Date.now()
let failed = 0
for (const [script, ...args] of suite) {
  console.log(`\n$ node bench/${script} ${args.join(' ')}`)
  const { status } = spawnSync(process.execPath, [join(root, 'bench', script), ...args], { cwd: root, stdio: 'inherit' })
  if (status !== 0) failed++
}
console.log(`\n${suite.length - failed} of ${suite.length} benchmarks ran, in ${Math.round((Date.now() - started) / 1000)} s.`)
process.exit(failed ? 1 : 0)
