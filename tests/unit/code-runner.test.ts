import { describe, expect, it } from 'vitest'
import { planCodeRunner } from '../../server/utils/agents/builtin/code-runner'
import type { Step } from '../../server/utils/agents/builtin/plan'
import type { ToolOutcome, Turn } from '../../server/utils/agents/types'

const user = (content: string): Turn => ({ role: 'user', content })
type ToolStep = Extract<Step, { tool: string }>

function toolStep(steps: Step[]): ToolStep {
  const tools = steps.filter((s): s is ToolStep => 'tool' in s)
  expect(tools).toHaveLength(1)
  return tools[0]!
}

const failedWith = (message: string): ToolOutcome => ({ status: 'failed', error: { code: 'script_error', message } })

describe('planCodeRunner', () => {
  it.each(['hello', 'can you help me?', ''])('answers %j without code with instructions and an example', (text) => {
    const steps = planCodeRunner([user(text)])
    expect(steps).toHaveLength(1)
    expect(steps[0]).toEqual({ say: expect.stringContaining('```js') })
  })

  it('runs the code of a fenced block, and only that', () => {
    const steps = planCodeRunner([user('please run\n```js\nconst a = 1\nconsole.log(a)\n```\nthanks')])
    expect(steps[0]).toEqual({ say: expect.stringContaining('Running 2 lines of JavaScript') })
    expect(toolStep(steps)).toMatchObject({ tool: 'run-code', input: { code: 'const a = 1\nconsole.log(a)' } })
  })

  it.each([
    'console.log("hi")',
    'const squares = [1, 2].map(n => n * n)',
    'function f() { return 1 }',
    '[1, 2, 3].reduce((a, b) => a + b)',
  ])('runs unfenced text that looks like JavaScript: %j', (code) => {
    const steps = planCodeRunner([user(code)])
    expect(steps[0]).toEqual({ say: expect.stringContaining('Running 1 line of') })
    expect(toolStep(steps).input).toEqual({ code })
  })

  it.each([
    ['python', 'print("hi")'],
    ['bash', 'echo hi'],
    ['typescript', 'const n: number = 1'],
  ])('refuses a %s block with a friendly answer and runs nothing', (lang, code) => {
    const steps = planCodeRunner([user(`\`\`\`${lang}\n${code}\n\`\`\``)])
    expect(steps).toHaveLength(1)
    expect(steps[0]).toEqual({ say: expect.stringContaining(`I only run JavaScript, and this block is labelled \`${lang}\``) })
  })

  it.each(['js', 'javascript', 'JS', 'mjs', 'cjs', ''])('runs a block labelled %j', (lang) => {
    expect(toolStep(planCodeRunner([user(`\`\`\`${lang}\nconsole.log(1)\n\`\`\``)])).input).toEqual({ code: 'console.log(1)' })
  })

  it('tells an empty block from code', () => {
    expect(planCodeRunner([user('```js\n\n```')])[0]).toEqual({ say: expect.stringContaining('Send me JavaScript') })
  })

  it('checks long bracket-heavy text for JavaScript quickly', () => {
    const started = performance.now()
    planCodeRunner([user('['.repeat(32_000))])
    planCodeRunner([user(`${'[a'.repeat(16_000)}].map(`)])
    expect(performance.now() - started).toBeLessThan(250)
  })

  it('answers only the last turn', () => {
    const steps = planCodeRunner([user('console.log(1)'), { role: 'assistant', content: 'done' }, user('thanks')])
    expect(steps.every(s => 'say' in s)).toBe(true)
  })
})

describe('planCodeRunner: rendering the run', () => {
  const step = toolStep(planCodeRunner([user('console.log(6 * 7)')]))

  it('shows the output and the last value of a completed run', () => {
    const text = step.render({ status: 'completed', result: { text: '```text\n42\n```', value: '42' } })
    expect(text).toBe('✅ Finished.\n\n```text\n42\n```\n\nThe last expression evaluated to `42`.')
  })

  it('leaves out the value line when there is no value', () => {
    const text = step.render({ status: 'completed', result: { text: '_No output._' } })
    expect(text).toBe('✅ Finished.\n\n_No output._')
  })

  it.each([
    ['ReferenceError: \'x\' is not defined', /used before it is defined/],
    ['ReferenceError: \'print\' is not defined', /`print` is Python; in JavaScript, print with `console\.log/],
    ['ReferenceError: \'setTimeout\' is not defined', /no timers, network, modules or file system/],
    ['SyntaxError: expecting \';\'', /does not parse/],
    ['TypeError: cannot read property \'a\' of undefined', /not what the code expects/],
    ['Time limit of 3 s exceeded', /ran too long/],
    ['Memory limit of 32 MB exceeded', /too much memory/],
    ['Error: custom', /Adjust the code/],
  ])('explains a failure %j with a hint', (message, hint) => {
    const text = step.render(failedWith(message))
    expect(text).toContain(`The task failed: ${message}`)
    expect(text).toMatch(hint)
  })

  it('reports a cancelled run as cancelled', () => {
    expect(step.render({ status: 'cancelled' })).toMatch(/^The task was cancelled before it finished\./)
  })
})
