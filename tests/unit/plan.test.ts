import { describe, expect, it } from 'vitest'
import { failureText, NO_MODEL_AGENTS, planRunner, type PlannerContext, type Step } from '../../server/utils/agents/builtin/plan'
import { sleep, splitWords, streamWords } from '../../server/utils/agents/pace'
import type { ReplyContext, ToolOutcome, Turn } from '../../server/utils/agents/types'

async function collect(source: AsyncIterable<string>, onPiece?: (piece: string) => void): Promise<string[]> {
  const pieces: string[] = []
  for await (const piece of source) {
    pieces.push(piece)
    onPiece?.(piece)
  }
  return pieces
}

function fakeContext(history: Turn[], signal = new AbortController().signal) {
  const calls: { kind: string, input: unknown }[] = []
  const ctx: ReplyContext = {
    history,
    signal,
    reportUsage: () => {},
    runTool: async (kind, input) => {
      calls.push({ kind, input })
      return { status: 'completed', result: { text: `result of ${kind}`, n: calls.length } }
    },
  }
  return { ctx, calls }
}

describe('planRunner', () => {
  const steps: Step[] = [
    { say: 'First I will  calculate.\n\n' },
    { tool: 'calc', input: { expression: '1 + 1' }, render: o => `Got ${o.result?.text} (#${String(o.result?.n)}). ` },
    { say: 'Then run code: ' },
    { tool: 'run-code', input: { code: 'x' }, render: o => `${o.result?.text}!` },
  ]

  it('says each step in order, running tools with their kind and input; the pieces add up to the plan', async () => {
    const { ctx, calls } = fakeContext([{ role: 'user', content: 'go' }])
    const pieces = await collect(planRunner(() => steps, () => 0)(ctx))
    expect(pieces.join('')).toBe('First I will  calculate.\n\nGot result of calc (#1). Then run code: result of run-code!')
    expect(pieces.length).toBeGreaterThan(4)
    expect(calls).toEqual([{ kind: 'calc', input: { expression: '1 + 1' } }, { kind: 'run-code', input: { code: 'x' } }])
  })

  it('hands the conversation to the planner', async () => {
    const history: Turn[] = [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }]
    let seen: Turn[] = []
    const { ctx } = fakeContext(history)
    await collect(planRunner((h) => {
      seen = h
      return [{ say: 'ok' }]
    }, () => 0)(ctx))
    expect(seen).toBe(history)
  })

  it('tells the planner that no model agent is configured unless told otherwise', async () => {
    let seen: PlannerContext | undefined
    const { ctx } = fakeContext([])
    await collect(planRunner((_h, context) => {
      seen = context
      return []
    }, () => 0)(ctx))
    expect(seen).toEqual(NO_MODEL_AGENTS)
    expect(NO_MODEL_AGENTS).toEqual({ modelAgents: [] })
  })

  it('asks for the planner context at every reply, so agents configured later are known', async () => {
    const seen: string[][] = []
    let agents: string[] = []
    const reply = planRunner((_h, context) => {
      seen.push(context.modelAgents)
      return []
    }, () => 0, () => ({ modelAgents: agents }))
    await collect(reply(fakeContext([]).ctx))
    agents = ['Claude']
    await collect(reply(fakeContext([]).ctx))
    expect(seen).toEqual([[], ['Claude']])
  })

  it('runs a tool only when the text before it has been said', async () => {
    const order: string[] = []
    const { ctx } = fakeContext([])
    const runTool = ctx.runTool
    ctx.runTool = async (kind, input) => {
      order.push(`tool:${kind}`)
      return runTool(kind, input)
    }
    await collect(planRunner(() => steps, () => 0)(ctx), piece => order.push(piece))
    expect(order.indexOf('tool:calc')).toBe(order.indexOf('calculate.\n\n') + 1)
  })

  it('stops when the signal aborts, without running later tools', async () => {
    const controller = new AbortController()
    const { ctx, calls } = fakeContext([], controller.signal)
    const pieces = await collect(planRunner(() => steps, () => 0)(ctx), () => controller.abort())
    expect(pieces).toEqual(['First '])
    expect(calls).toEqual([])
  })

  it('says nothing when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const { ctx, calls } = fakeContext([], controller.signal)
    expect(await collect(planRunner(() => steps, () => 0)(ctx))).toEqual([])
    expect(calls).toEqual([])
  })

  it('asks for the word delay when it runs, so a changed setting applies', async () => {
    let asked = 0
    const { ctx } = fakeContext([])
    await collect(planRunner(() => [{ say: 'a b' }, { say: 'c' }], () => {
      asked++
      return 0
    })(ctx))
    expect(asked).toBe(2)
  })
})

describe('failureText', () => {
  it.each<[ToolOutcome, string]>([
    [{ status: 'cancelled' }, 'The task was cancelled before it finished.'],
    [{ status: 'failed', error: { code: 'x', message: 'boom' } }, 'The task failed: boom'],
    [{ status: 'failed' }, 'The task failed: unknown error'],
    [{ status: 'failed', error: { code: 'rate_limited', message: 'You already have 8 tasks waiting or running.' } }, 'The task was not started: You already have 8 tasks waiting or running.'],
  ])('describes %j', (outcome, text) => {
    expect(failureText(outcome)).toBe(text)
  })
})

describe('splitWords', () => {
  it.each([
    'one two three',
    '  leading and trailing  ',
    'tabs\tand\nnew\n\nlines\r\n',
    'a',
    '   ',
    '',
    'emoji 👋 and ünïcode',
    '```js\nconst x = 1\n```',
  ])('joins back to exactly %j', (text) => {
    expect(splitWords(text).join('')).toBe(text)
  })

  it('gives one word per piece, with the white space that follows it', () => {
    expect(splitWords('Hello,  big\nworld')).toEqual(['Hello,  ', 'big\n', 'world'])
  })

  it('keeps leading white space with the first word', () => {
    expect(splitWords('  indented text')).toEqual(['  indented ', 'text'])
  })

  it('returns nothing for empty text', () => {
    expect(splitWords('')).toEqual([])
  })
})

describe('streamWords', () => {
  it('yields the words of the text with delay 0', async () => {
    const text = 'Streams  word by word.\nDone!'
    const pieces = await collect(streamWords(text, 0, new AbortController().signal))
    expect(pieces).toEqual(splitWords(text))
    expect(pieces.join('')).toBe(text)
  })

  it('yields nothing once the signal has aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    expect(await collect(streamWords('a b c', 0, controller.signal))).toEqual([])
  })

  it('stops in the middle when the signal aborts', async () => {
    const controller = new AbortController()
    const pieces = await collect(streamWords('a b c d', 0, controller.signal), (piece) => {
      if (piece === 'b ') controller.abort()
    })
    expect(pieces).toEqual(['a ', 'b '])
  })

  it('waits between words when given a delay', async () => {
    const started = Date.now()
    await collect(streamWords('a b c', 40, new AbortController().signal))
    // Three words at 40 ms with at least 0.6 × jitter.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 40 * 0.6 - 5)
  })
})

describe('sleep', () => {
  it('resolves early when the signal aborts', async () => {
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => controller.abort(), 20)
    await sleep(10_000, controller.signal)
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('resolves at once for 0 ms or an aborted signal', async () => {
    const controller = new AbortController()
    controller.abort()
    const started = Date.now()
    await sleep(10_000, controller.signal)
    await sleep(0, new AbortController().signal)
    expect(Date.now() - started).toBeLessThan(100)
  })
})
