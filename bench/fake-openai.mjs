// A fake OpenAI-compatible chat server for the benchmarks, run in a worker thread (its own event loop,
// so its token timing does not suffer from the clients' work). POST /v1/chat/completions streams
// `tokens` chunks at `rate` a second ("w0 ", "w1 ", …, so a client can tell which tokens a delta
// carries) and records when it wrote each one; a non-streaming request (a title) gets a fixed answer.
// The main thread talks to it with messages: {type: 'config', config: {rate, tokens}} → 'configured',
// {type: 'emits'} → {type: 'emits', emits: {user: times[]}}; it posts {type: 'listening', port} first.
import { createServer } from 'node:http'
import { performance } from 'node:perf_hooks'
import { parentPort, Worker } from 'node:worker_threads'

/** Milliseconds on a clock that the worker and the main thread share (epoch based, sub-ms). */
export const now = () => performance.timeOrigin + performance.now()

export function runFakeProvider() {
  let config = { rate: 300, tokens: 900 }
  /** user key -> emission time of each token */
  let emits = new Map()
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_766_000_000, model: 'bench-1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (data) => {
      raw += data
    })
    req.on('end', () => {
      const body = JSON.parse(raw)
      const last = body.messages.filter(m => m.role === 'user').at(-1)
      const text = typeof last?.content === 'string' ? last.content : (last?.content ?? []).map(p => p.text ?? '').join('')
      if (!body.stream) {
        // generateText: the topic title after the first exchange.
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ id: 'chatcmpl-title', object: 'chat.completion', created: 1_766_000_000, model: 'bench-1', choices: [{ index: 0, message: { role: 'assistant', content: 'Benchmark chat' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } }))
        return
      }
      const user = /\bu(\d+)\b/.exec(text)?.[1] ?? 'unknown'
      const { rate, tokens } = config
      const times = new Float64Array(tokens)
      emits.set(user, times)
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.write(chunk({ role: 'assistant', content: '' }))
      let closed = false
      let timer
      // The response's close, not the request's (that one fires once the body is read).
      res.on('close', () => {
        closed = true
        clearTimeout(timer)
      })
      const interval = 1000 / rate
      const start = performance.now()
      let i = 0
      const tick = () => {
        if (closed) return
        // Every token whose time has come, each in its own write.
        while (i < tokens && start + i * interval <= performance.now()) {
          res.write(chunk({ content: `w${i} ` }))
          times[i] = now()
          i++
        }
        if (i < tokens) {
          timer = setTimeout(tick, Math.max(0, start + i * interval - performance.now()))
          return
        }
        res.write(chunk({}, 'stop'))
        res.write(`data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_766_000_000, model: 'bench-1', choices: [], usage: { prompt_tokens: 12, completion_tokens: tokens, total_tokens: tokens + 12 } })}\n\n`)
        res.end('data: [DONE]\n\n')
      }
      tick()
    })
  })

  parentPort.on('message', (message) => {
    if (message.type === 'config') {
      config = message.config
      emits = new Map()
      parentPort.postMessage({ type: 'configured' })
    }
    else if (message.type === 'emits') {
      parentPort.postMessage({ type: 'emits', emits: Object.fromEntries(emits) })
    }
  })
  server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.address().port }))
}

/** Starts the fake in a worker; resolves with it and its port. */
export async function startFakeProvider() {
  const worker = new Worker(new URL(import.meta.url), { workerData: { fakeProvider: true } })
  const { port } = await new Promise(done => worker.once('message', done))
  return { worker, port }
}

/** Sends a message to the fake and waits for its answer of type `reply`. */
export function askFake(worker, message, reply) {
  return new Promise((done) => {
    const onMessage = (answer) => {
      if (answer.type !== reply) return
      worker.off('message', onMessage)
      done(answer)
    }
    worker.on('message', onMessage)
    worker.postMessage(message)
  })
}

if (parentPort) runFakeProvider()
