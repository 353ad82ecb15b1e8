// A local OpenAI-compatible chat server for the browser tests: it streams "word 1 word 2 …" slowly
// and without end (until the app stops the request or five minutes pass), so a test of stopping,
// queueing or reconnecting has a reply that cannot finish before the test acts. It speaks the
// documented SSE format of POST /chat/completions; nothing here reaches a real provider.
import { createServer } from 'node:http'

const WORD_MS = 60
const MAX_MS = 5 * 60_000

function chunk(id, delta, finish = null) {
  return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: 'slow', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
}

function streamForever(req, res) {
  const id = `chatcmpl-${Date.now()}`
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'connection': 'keep-alive' })
  res.write(chunk(id, { role: 'assistant', content: '' }))
  let n = 0
  const started = Date.now()
  const timer = setInterval(() => {
    n += 1
    res.write(chunk(id, { content: `word ${n} ` }))
    if (Date.now() - started > MAX_MS) {
      clearInterval(timer)
      res.end(`${chunk(id, {}, 'stop')}data: [DONE]\n\n`)
    }
  }, WORD_MS)
  res.on('close', () => clearInterval(timer))
}

/** Starts the fake on a free loopback port; resolves to its base URL. */
export function startSlowProvider() {
  const server = createServer(async (req, res) => {
    let body = ''
    for await (const part of req) body += part
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}')
    }
    if (JSON.parse(body || '{}').stream) return streamForever(req, res)
    // A plain completion (title generation): a short fixed answer.
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      id: 'chatcmpl-title', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'slow',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Slow stream' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    }))
  })
  return new Promise(done => server.listen(0, '127.0.0.1', () => {
    server.unref()
    done(`http://127.0.0.1:${server.address().port}/v1`)
  }))
}
