// The "leaner parser" of bench/sse-parse.mjs: the same OpenAI-compatible streams read with fetch and
// a minimal SSE reader (split events on blank lines, JSON.parse each `data:` line, take
// choices[0].delta.content), no AI SDK. What a hand-written provider behind the app's Agent
// interface would cost. Prints its own CPU seconds, wall time and chunk count as JSON.
const [url, count, offset] = [process.env.PROVIDER_URL, Number(process.env.REPLIES), Number(process.env.OFFSET ?? 0)]

async function* deltas(body) {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true })
    let end
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue
        const data = line.slice(5).trim()
        if (data === '[DONE]') return
        const content = JSON.parse(data).choices?.[0]?.delta?.content
        if (content) yield content
      }
    }
  }
}

const cpu0 = process.cpuUsage()
const t0 = performance.now()
let chunks = 0
const texts = await Promise.all(Array.from({ length: count }, async (_, i) => {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench-1', stream: true, messages: [{ role: 'user', content: `bench u${offset + i}` }] }),
  })
  let text = ''
  for await (const piece of deltas(response.body)) {
    text += piece
    chunks++
  }
  return text
}))
const cpu = process.cpuUsage(cpu0)
console.log(JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (performance.now() - t0) / 1000, chars: texts.reduce((n, t) => n + t.length, 0), chunks }))
