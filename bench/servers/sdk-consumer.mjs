// Baseline for bench/stream-cpu.mjs: the same replies consumed straight through the AI SDK, with no
// app around them (no sockets, no database, no coalescing): N concurrent streamText calls against the
// fake provider, each text stream read to its end. Prints its own CPU seconds and wall time as JSON.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { streamText } from 'ai'

const [url, count, offset] = [process.env.PROVIDER_URL, Number(process.env.REPLIES), Number(process.env.OFFSET ?? 0)]
const model = createOpenAICompatible({ name: 'bench', baseURL: url, includeUsage: true })('bench-1')
const cpu0 = process.cpuUsage()
const t0 = performance.now()
const texts = await Promise.all(Array.from({ length: count }, async (_, i) => {
  const result = streamText({ model, messages: [{ role: 'user', content: `bench u${offset + i}` }] })
  let text = ''
  for await (const piece of result.textStream) text += piece
  return text
}))
const cpu = process.cpuUsage(cpu0)
console.log(JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (performance.now() - t0) / 1000, chars: texts.reduce((n, t) => n + t.length, 0) }))
