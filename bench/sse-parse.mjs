#!/usr/bin/env node
// Where the streaming ceiling is, and how far a leaner parser would move it: the same N
// OpenAI-compatible streams from the same fake provider (as fast as it can write), consumed (a)
// through the AI SDK's streamText, as the app does, and (b) by a minimal SSE reader with no SDK
// (bench/servers/lean-consumer.mjs). Each consumer is a fresh process measuring its own CPU; the
// ratio is CPU per upstream chunk, lean ÷ SDK, alternating the two over --rounds.
//   node bench/sse-parse.mjs [--replies=100] [--tokens=1000] [--rounds=3]
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { askFake, startFakeProvider } from './fake-openai.mjs'
import { arg, fmt, hardLimit, root, table } from './lib.mjs'

const replies = Number(arg('replies', '100'))
const tokens = Number(arg('tokens', '1000'))
const rounds = Number(arg('rounds', '3'))
let provider
hardLimit(Number(arg('max-seconds', '240')), () => provider?.worker.terminate())

function consume(script, offset) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'bench/servers', script)], { env: { ...process.env, PROVIDER_URL: `http://127.0.0.1:${provider.port}/v1`, REPLIES: String(replies), OFFSET: String(offset) }, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', d => (out += d))
    child.once('exit', code => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`${script} exited ${code}`))))
  })
}

provider = await startFakeProvider()
// A rate no stream can reach: each reply is written as fast as the fake and the consumer allow.
await askFake(provider.worker, { type: 'config', config: { rate: 1_000_000, tokens } }, 'configured')
await consume('sdk-consumer.mjs', 0)
await consume('lean-consumer.mjs', 0)

const rows = []
const perChunk = { sdk: [], lean: [] }
for (let round = 1; round <= rounds; round++) {
  const sdk = await consume('sdk-consumer.mjs', round * 10_000)
  const lean = await consume('lean-consumer.mjs', round * 10_000 + 5_000)
  const chunks = replies * tokens
  const sdkUs = (sdk.cpuSeconds * 1e6) / chunks
  const leanUs = (lean.cpuSeconds * 1e6) / chunks
  perChunk.sdk.push(sdkUs)
  perChunk.lean.push(leanUs)
  if (sdk.chars !== lean.chars) throw new Error(`the consumers read different texts (${sdk.chars} vs ${lean.chars} chars)`)
  rows.push([round, `${replies} × ${tokens}`, fmt(sdkUs, 1), fmt(leanUs, 1), fmt(leanUs / sdkUs, 2), fmt(1e6 / sdkUs, 0), fmt(1e6 / leanUs, 0)])
  console.error(`[sse-parse] round ${round}: SDK ${fmt(sdkUs, 1)} µs/chunk, lean ${fmt(leanUs, 1)} µs/chunk`)
}
await provider.worker.terminate()

console.log('\n### Upstream parsing: AI SDK streamText against a minimal SSE reader, same streams\n')
table(['round', 'replies × chunks', 'SDK CPU µs per chunk', 'lean CPU µs per chunk', 'lean ÷ SDK', 'chunks/s per core, SDK', 'chunks/s per core, lean'], rows)
process.exit(0)
