// REPLY_MAX_CHARS: a model that never stops writing. The reply ends at the cap as complete, with a
// visible note at its end; the provider's stream is closed (generation stops, nothing is buffered
// on); every delta stays small. One format suffices: the cap is the chat's, not the provider's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { finished, send } from '../helpers'
import { agentId, requestsFor, routes, startProviderServer, textReply, type ProviderServer } from './fakes'

const MAX = 5_000
const NOTE = '\n\n… [reply cut at 5,000 characters]'
// 40,000 characters in 800 chunks, about 5 ms apart: four seconds if nothing stopped it.
const PIECES = Array.from({ length: 800 }, (_, i) => `w${String(i).padStart(3, '0')} `.repeat(10))

let app: ProviderServer

beforeAll(async () => {
  app = await startProviderServer({
    route: routes({
      endless: (_r, { format }) => ({ stream: textReply(format, PIECES), everyMs: 5 }),
      // One chunk far over the cap at once.
      flood: (_r, { format }) => ({ stream: textReply(format, ['x'.repeat(60_000)]) }),
    }),
    env: { REPLY_MAX_CHARS: String(MAX) },
  })
})

afterAll(async () => {
  await app?.stop()
})

describe('a reply that reaches REPLY_MAX_CHARS', () => {
  const name = 'openai-compatible' as const

  it('ends complete with a visible note, and stops the provider\'s stream', async () => {
    const { client } = await app.guest()
    const { assistant } = await send(client, '[endless] write forever', { agentId: agentId(name) })
    const startedAt = Date.now()
    const { message, deltas } = await finished(client, assistant.id)
    expect(message.status).toBe('complete')
    expect(message).not.toHaveProperty('stopped')
    expect(message.content).toBe(`${PIECES.join('').slice(0, MAX)}${NOTE}`)
    expect(deltas.map(d => d.text).join('')).toBe(message.content)
    expect(Math.max(...deltas.map(d => d.text.length))).toBeLessThanOrEqual(2_048)
    // Well before the four seconds the whole stream would take.
    expect(Date.now() - startedAt).toBeLessThan(3_000)
    const [request] = requestsFor(app.fakes[name], '[endless]')
    await expect.poll(() => request!.closedEarly, { timeout: 2_000 }).toBe(true)
    expect(request!.writes.length).toBeLessThan(PIECES.length)

    // What is stored (and later sent to models as history) is the capped text.
    client.send('topic.open', { topicId: message.topicId })
    const history = await client.nextOf('topic.history', p => p.topicId === message.topicId)
    expect(history.messages.find(m => m.id === assistant.id)?.content).toBe(message.content)
  })

  it('cuts one huge piece at the cap and sends it in small deltas', async () => {
    const { client } = await app.guest()
    const { assistant } = await send(client, '[flood] one big chunk', { agentId: agentId(name) })
    const { message, deltas } = await finished(client, assistant.id)
    expect(message.status).toBe('complete')
    expect(message.content).toBe(`${'x'.repeat(MAX)}${NOTE}`)
    expect(deltas.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...deltas.map(d => d.text.length))).toBeLessThanOrEqual(2_048)
  })
})
