import { describe, expect, it } from 'vitest'
import { AGENTS_DOC, mathExpression, planAssistant } from '../../server/utils/agents/builtin/assistant'
import type { Step } from '../../server/utils/agents/builtin/plan'
import type { ToolOutcome, Turn } from '../../server/utils/agents/types'
import { calculate } from '../../server/utils/tasks/calc'

const user = (content: string): Turn => ({ role: 'user', content })
const agent = (content: string): Turn => ({ role: 'assistant', content })

type ToolStep = Extract<Step, { tool: string }>

function toolStep(steps: Step[]): ToolStep {
  const tools = steps.filter((s): s is ToolStep => 'tool' in s)
  expect(tools).toHaveLength(1)
  return tools[0]!
}

function sayText(steps: Step[]): string {
  return steps.map(s => ('say' in s ? s.say : '')).join('')
}

const failed: ToolOutcome = { status: 'failed', error: { code: 'invalid_expression', message: 'Undefined symbol foo' } }
const cancelled: ToolOutcome = { status: 'cancelled' }

describe('mathExpression', () => {
  it.each([
    ['what is 12 * (3+4)?', '12 * (3+4)'],
    ['What\'s 7 - 2', '7 - 2'],
    ['calculate 2^10', '2^10'],
    ['Compute sqrt(16) + 1', 'sqrt(16) + 1'],
    ['how much is 3 * 4?', '3 * 4'],
    ['5 km to mile', '5 km to mile'],
    ['100 degF to degC', '100 degF to degC'],
    ['2 + 2 =', '2 + 2'],
  ])('finds the calculation in %j', (text, expression) => {
    expect(mathExpression(text)).toBe(expression)
  })

  it('rewrites ln( as log(, which mathjs knows', () => {
    expect(mathExpression('what is ln(10) * 2')).toBe('log(10) * 2')
  })

  it.each([
    'hello there',
    'I have 3 cats and 2 dogs',
    'what is the capital of France?',
    'what is 42',
    'Meet me on 2024-05-01 at noon',
    'the year 1999 was good',
  ])('rejects plain prose %j', (text) => {
    expect(mathExpression(text)).toBeNull()
  })

  it.each(['2024-05-01', '12/05/2024', 'what is 2024-05-01?', '1/2/2024'])('rejects the date-like %j', (text) => {
    expect(mathExpression(text)).toBeNull()
  })

  it('rejects text longer than 300 characters even when it is arithmetic', () => {
    const long = `${'1 + '.repeat(80)}1`
    expect(long.length).toBeGreaterThan(300)
    expect(mathExpression(long)).toBeNull()
  })

  it('understands the example the assistant itself advertises', async () => {
    const expression = mathExpression('what is 17% of 2,340?')
    expect(expression).not.toBeNull()
    expect(await calculate(expression!)).toBe('397.8')
  })
})

describe('planAssistant: tools', () => {
  it('plans a calc tool step for arithmetic and renders the value', () => {
    const steps = planAssistant([user('what is 12 * (3+4)?')])
    expect(steps[0]).toEqual({ say: expect.stringContaining('12 * (3+4)') })
    const step = toolStep(steps)
    expect(step).toMatchObject({ tool: 'calc', input: { expression: '12 * (3+4)' } })
    expect(step.render({ status: 'completed', result: { text: '`12 * (3+4)` = **84**', value: '84' } })).toBe('**12 * (3+4) = 84**')
  })

  it('renders a failed or cancelled calc as a failure, not as a value', () => {
    const step = toolStep(planAssistant([user('calculate 2^10')]))
    expect(step.render(failed)).toBe('The task failed: Undefined symbol foo')
    expect(step.render(cancelled)).toBe('The task was cancelled before it finished.')
  })

  it('plans a run-code step for a ```js block, with only the code', () => {
    const steps = planAssistant([user('Can you run this?\n```js\nconsole.log(2 + 2)\n```')])
    const step = toolStep(steps)
    expect(step).toMatchObject({ tool: 'run-code', input: { code: 'console.log(2 + 2)' } })
    expect(step.render({ status: 'completed', result: { text: '```text\n4\n```' } })).toBe('Here is what it printed:\n\n```text\n4\n```')
    const failure = step.render({ status: 'failed', error: { code: 'script_error', message: 'ReferenceError: x is not defined' } })
    expect(failure).toContain('The task failed: ReferenceError: x is not defined')
    expect(failure).toContain('send the code again')
  })

  it.each(['Can you summarize this topic?', 'summarise please', 'give me a recap', 'tl;dr'])('plans a summarize step for %j', (text) => {
    const steps = planAssistant([user('We talked about budgets.'), agent('Yes.'), user(text)])
    const step = toolStep(steps)
    expect(step).toMatchObject({ tool: 'summarize', input: {} })
    expect(step.render({ status: 'completed', result: { text: '**3 messages**' } })).toBe('**3 messages**')
    expect(step.render(cancelled)).toMatch(/cancelled/)
  })

  it.each([
    ['bash', 'echo hello'],
    ['python', 'print("hi")'],
    ['ts', 'const n: number = 1'],
  ])('does not run a %s block: it says why, and plans no tool', (lang, code) => {
    const steps = planAssistant([user(`Can you run this?\n\`\`\`${lang}\n${code}\n\`\`\``)])
    expect(steps.every(s => 'say' in s)).toBe(true)
    expect(sayText(steps)).toContain(`I only run JavaScript, and this block is labelled \`${lang}\``)
  })

  it('runs the JavaScript block of a message that also has a shell block', () => {
    const steps = planAssistant([user('```bash\nnpm i\n```\nthen\n```JS\nconsole.log(1)\n```')])
    expect(toolStep(steps)).toMatchObject({ tool: 'run-code', input: { code: 'console.log(1)' } })
  })

  it('prefers the calculation when a message is arithmetic', () => {
    expect(toolStep(planAssistant([user('5 km to mile')])).tool).toBe('calc')
  })
})

describe('planAssistant: conversation', () => {
  it('greets back with one say step', () => {
    const steps = planAssistant([user('Hello there')])
    expect(steps).toHaveLength(1)
    expect(sayText(steps)).toMatch(/^Hello!/)
  })

  it('answers thanks and help without tools', () => {
    expect(sayText(planAssistant([user('thanks!')]))).toMatch(/welcome/)
    const help = planAssistant([user('what can you do?')])
    expect(help.every(s => 'say' in s)).toBe(true)
    expect(sayText(help)).toContain('`/calc`')
    expect(sayText(help)).toContain('`/summarize`')
  })

  it('recalls the earlier user messages, not the agent\'s nor the current one', () => {
    const steps = planAssistant([
      user('first question about apples'),
      agent('an answer about apples'),
      user('second,   about\npears'),
      agent('another answer'),
      user('What did I say?'),
    ])
    const text = sayText(steps)
    expect(text).toContain('You have sent 2 earlier messages')
    expect(text).toContain('1. first question about apples\n2. second, about pears')
    expect(text).not.toContain('an answer about apples')
    expect(text).not.toContain('What did I say?')
  })

  it('recalls only the last six when there are more', () => {
    const earlier = Array.from({ length: 8 }, (_, i) => user(`message number ${i + 1}`))
    const text = sayText(planAssistant([...earlier, user('what have we discussed?')]))
    expect(text).toContain('8 earlier messages in this topic; the last six were')
    expect(text).toContain('1. message number 3')
    expect(text).toContain('6. message number 8')
    expect(text).not.toContain('message number 2\n')
  })

  it('says there is nothing to recall in a new topic', () => {
    expect(sayText(planAssistant([user('what was my first message?')]))).toMatch(/first thing you have said/)
  })

  const capabilityList = /\*\*Calculate\*\*|\*\*Run JavaScript\*\*|\*\*Summarise\*\*|\*\*Recall\*\*/

  it('notes other prose in one short step, without the capability list or a keyword dump', () => {
    const steps = planAssistant([user('I am building a garden shed from cedar planks, cedar posts and screws')])
    expect(steps).toHaveLength(1)
    const text = sayText(steps)
    expect(text).toMatch(/^Noted\./)
    expect(text).not.toMatch(capabilityList)
    expect(text).not.toContain('**cedar**')
    expect(text.split(/(?<=[.!?])\s/).length).toBeLessThanOrEqual(2)
  })

  it('is honest that it cannot answer an open question, and points once to the agents doc when no model agent is configured', () => {
    const first = sayText(planAssistant([user('Why do glaciers move?')]))
    expect(first).toMatch(/^I can't answer that offline/)
    expect(first).toContain('won\'t guess')
    expect(first).toContain(`An operator can add OpenAI, Anthropic, Gemini or Ollama agents, see ${AGENTS_DOC}.`)
    expect(first).not.toMatch(capabilityList)
    expect(first).not.toContain('agent picker')
    const later = sayText(planAssistant([user('Why do glaciers move?'), agent(first), user('And why do rivers bend?')]))
    expect(later).toMatch(/^I can't answer that offline/)
    expect(later).not.toContain(AGENTS_DOC)
  })

  it('names the configured model agents instead of the doc', () => {
    const text = sayText(planAssistant([user('Who wrote Hamlet?')], { modelAgents: ['GPT-4o', 'Claude'] }))
    expect(text).toContain('switch this topic to *GPT-4o* or *Claude* in the agent picker')
    expect(text).not.toContain(AGENTS_DOC)
  })

  it('mentions the one capability that fits, once', () => {
    const code = sayText(planAssistant([user('My javascript function returns the wrong thing')]))
    expect(code).toBe('Noted. If it is JavaScript, paste it in a ```js block and I will run it.')
    const numbers = sayText(planAssistant([user('We need the total cost of the trip')]))
    expect(numbers).toMatch(/^Noted\. If there is something to work out, ask me like "what is 17% of 2,340\?"\.$/)
    const again = sayText(planAssistant([user('My javascript loop is slow'), agent(code), user('The function has a bug too')]))
    expect(again).not.toContain('paste it in a ```js block')
  })

  it('varies its fallback by what was already said in the topic', () => {
    const first = sayText(planAssistant([user('The meeting moved to Tuesday')]))
    expect(first).toBe(`Noted. An operator can add OpenAI, Anthropic, Gemini or Ollama agents, see ${AGENTS_DOC}.`)
    const second = sayText(planAssistant([user('The meeting moved to Tuesday'), agent(first), user('Bring the slides')]))
    expect(second).toBe('Noted. Ask me "what did I say?" whenever you want it back.')
    const third = sayText(planAssistant([user('a'), agent(first), user('b'), agent(second), user('Bring snacks')]))
    expect(third).toBe('Noted.')
  })

  it('points help to the agents doc, or to the configured model agents', () => {
    expect(sayText(planAssistant([user('help')]))).toContain(AGENTS_DOC)
    const withModels = sayText(planAssistant([user('help')], { modelAgents: ['Claude'] }))
    expect(withModels).toContain('switch this topic to *Claude* in the agent picker')
    expect(withModels).not.toContain(AGENTS_DOC)
  })

  it('greets briefly', () => {
    const text = sayText(planAssistant([user('hi')]))
    expect(text).toMatch(/^Hello!/)
    expect(text).not.toMatch(capabilityList)
  })

  it.each([
    ['trailing-punctuation runs', `${'?'.repeat(32_000)}a`],
    ['commas between digits', '1,'.repeat(16_000)],
    ['question marks and spaces', '? '.repeat(16_000)],
  ])('answers long hostile text (%s) quickly', (_name, text) => {
    const started = performance.now()
    planAssistant([user(text)])
    expect(performance.now() - started).toBeLessThan(250)
  })

  it('does not fail on an empty history', () => {
    expect(planAssistant([])).toHaveLength(1)
  })
})
