// Delta coalescing (ReplyRun: COALESCE_MS=30, first piece at once) with a fast model: a fake that
// streams hundreds of tiny chunks back to back gives far fewer message.delta frames, with every
// character in order and consecutive seqs, while the first delta is not held back. Runs one format
// at a time so that the timings are its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chat, finished, send } from '../helpers'
import { agentId, formatNames, formats, requestsFor, routes, startProviderServer, textReply, type FormatName, type ProviderServer } from './fakes'

const CHUNKS = 360
// Tiny pieces of one to three characters, like the tokens of a fast model.
const PIECES = Array.from({ length: CHUNKS }, (_, i) => ['a', 'bc', 'def', ' '][i % 4]!.replace(/^/, i % 40 === 0 ? `[${i}]` : ''))
const FULL = PIECES.join('')

let app: ProviderServer

beforeAll(async () => {
  app = await startProviderServer({
    route: routes({
      // One chunk per millisecond or so (each in its own write): about 0.4 s of streaming.
      fast: (_r, { format }) => ({ stream: textReply(format, PIECES, { input: 5, output: CHUNKS }), everyMs: 1 }),
    }),
  })
  // One untimed reply per format first: the timings below are of a warm server, not of its first
  // use of each provider's code.
  const { client } = await app.guest()
  for (const name of formatNames) await chat(client, `warm up (${name})`, { agentId: agentId(name) })
})

afterAll(async () => {
  await app?.stop()
})

describe.each(formatNames)('%s', (name: FormatName) => {
  it(`coalesces ${CHUNKS} tiny chunks into far fewer deltas without delaying the first`, async () => {
    const format = formats[name]
    const { client } = await app.guest()
    const { assistant } = await send(client, `[fast] (${name})`, { agentId: agentId(name) })
    const firstArrival = client.nextOf('message.delta', d => d.messageId === assistant.id && d.seq === 1, 10_000).then(() => Date.now())
    const { message } = await finished(client, assistant.id)
    expect(message.status).toBe('complete')
    expect(message.content).toBe(FULL)

    const deltas = client.all('message.delta', d => d.messageId === assistant.id)
    expect(deltas.map(d => d.text).join('')).toBe(FULL)
    expect(deltas.map(d => d.seq)).toEqual(deltas.map((_, i) => i + 1))
    expect(message.seq).toBe(deltas.length)
    expect(deltas.length).toBeLessThan(CHUNKS / 3)
    // Still a stream, not one frame at the end.
    expect(deltas.length).toBeGreaterThan(1)

    // The first text chunk went out right after the opening chunks; its delta arrives within ~50 ms.
    const [request] = requestsFor(app.fakes[name], `[fast] (${name})`)
    const firstText = request!.writes[format.start().length]!
    const streamedFor = request!.writes.at(-1)! - firstText
    const latency = (await firstArrival) - firstText
    console.info(`[coalescing] ${name}: ${CHUNKS} chunks over ${streamedFor} ms -> ${deltas.length} deltas; first delta ${latency} ms after its chunk`)
    expect(latency).toBeLessThan(50)
    expect(latency).toBeGreaterThanOrEqual(0)
  })
})

describe('secrets', () => {
  it('never shows a provider key in the server output or in any frame', () => {
    expect(app.leakedKeys()).toEqual([])
  })
})
