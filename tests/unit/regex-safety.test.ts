// Every function that runs regular expressions over user text (messages up to 32,000 characters,
// slash commands, code, tool output, model output) on adversarial inputs of the largest size:
// each call must stay fast, and take about twice as long for twice the input, never four times
// (a backtracking regex on the wrong shape of text is quadratic or worse, and runs on the event
// loop).
import { describe, expect, it } from 'vitest'
import { codeToRun, firstCodeBlock, hasCodeFence, parseSlashCommand } from '#shared/commands'
import { LIMITS } from '#shared/protocol'
import { mathExpression, planAssistant } from '../../server/utils/agents/builtin/assistant'
import { planCodeRunner } from '../../server/utils/agents/builtin/code-runner'
import type { Step } from '../../server/utils/agents/builtin/plan'
import { splitWords, streamWords } from '../../server/utils/agents/pace'
import { classifyProviderError } from '../../server/utils/agents/provider-errors'
import { cleanTitle } from '../../server/utils/agents/upstream'
import type { Turn } from '../../server/utils/agents/types'
import { titleFrom } from '../../server/utils/chat/titles'
import { keyTerms, summarize } from '../../server/utils/tasks/summarize'

const N = LIMITS.messageChars
const user = (content: string): Turn => ({ role: 'user', content })
const agent = (content: string): Turn => ({ role: 'assistant', content })

/** Text of exactly `n` characters made by repeating `unit` (then cut), with an optional head and tail. */
function fill(unit: string, n: number, head = '', tail = ''): string {
  const body = n - head.length - tail.length
  return head + unit.repeat(Math.ceil(body / unit.length)).slice(0, body) + tail
}

// Shapes that make backtracking regexes slow: long runs that almost match and then fail at the end.
const adversarial: Record<string, (n: number) => string> = {
  'backticks': n => fill('`', n),
  'fence openers': n => fill('```', n),
  'fence opener, then no close': n => fill('a', n, '```'),
  'fence with a language, no close': n => fill('a', n, '```js\n'),
  'language tags without line breaks': n => fill('```js ', n),
  'inline code openers': n => fill('`a', n),
  'brackets': n => fill('[', n),
  'links without an end': n => fill('[a](', n),
  'angle brackets': n => fill('<a', n),
  'question marks': n => fill('???', n),
  'a question mark, then spaces': n => fill(' ', n, '?', 'x'),
  'spaces then a letter': n => fill(' ', n, '', 'x'),
  'only spaces': n => fill(' ', n),
  'tabs': n => fill('\t', n, '', 'x'),
  'line breaks': n => fill('\n', n, 'a', 'x'),
  'spaces and line breaks': n => fill(' \n', n),
  'a comma list': n => fill('a,', n),
  'digit groups': n => fill('1,', n, '', '000'),
  'nested emphasis': n => fill('*_', n),
  'emphasis marks and spaces': n => fill('_ * ', n),
  'additions': n => fill('1+', n, '', '1'),
  'quote markers': n => fill('> ', n),
  'heading marks': n => fill('#', n, '', 'x'),
  'list markers': n => fill('- ', n),
  'table pipes': n => fill('|', n, '', 'x'),
  'table rule': n => fill('|-', n),
  'dots': n => fill('.', n),
  'sentences without spaces': n => fill('a.', n),
  'digits': n => fill('9', n, '**', ' messages'),
  'summary headers': n => fill('**1 messages** (\n', n),
  'a slash and a word that runs on': n => fill('a', n, '/', '!'),
  'a command and backticks': n => fill('`', n, '/run '),
  'declarations': n => fill('const ', n),
  'a declaration with an open parameter list': n => fill('(', n, 'const a = '),
  'semicolons': n => fill('; ', n),
  'emoji': n => fill('😀', n),
  'accents': n => fill('é', n),
  'control characters': n => fill('\u0001\u0000', n),
  'quotes and stars': n => fill('"*', n, '', 'x'),
}

async function drain(words: AsyncGenerator<string>) {
  for await (const word of words) void word
}

/** Renders every tool step of a plan with a failure or a result carrying `text` (the renderers read it). */
function renderAll(steps: Step[], text: string) {
  for (const step of steps) {
    if (!('tool' in step)) continue
    step.render({ status: 'failed', error: { code: 'x', message: text } })
    step.render({ status: 'completed', result: { text, value: text } })
  }
}

// Each function that reads user-controlled text, fed the text the way the app feeds it.
const subjects: Record<string, (text: string) => unknown> = {
  'parseSlashCommand': text => parseSlashCommand(text),
  'parseSlashCommand /run': text => parseSlashCommand(`/run ${text}`),
  'parseSlashCommand /calc': text => parseSlashCommand(`/calc ${text}`),
  'codeToRun': text => codeToRun(text),
  'firstCodeBlock': text => firstCodeBlock(text),
  'hasCodeFence': text => hasCodeFence(text),
  'titleFrom': text => titleFrom(text),
  'titleFrom (a message of code only)': text => titleFrom(`\`\`\`js\n${text}\n\`\`\``),
  'mathExpression': text => mathExpression(text),
  'planAssistant': text => renderAll(planAssistant([user(text)]), text),
  'planAssistant (recall)': text => planAssistant([user(text), agent(text), user('what did I say?')]),
  'planCodeRunner': text => renderAll(planCodeRunner([user(text)]), text),
  'planCodeRunner (a failed run)': text => renderAll(planCodeRunner([user('```js\n1\n```')]), text),
  'keyTerms': text => keyTerms(text, 12),
  'summarize': text => summarize([user(text), agent(text), user(`/calc ${text}`), agent(`Calculating… (see the task panel)\n\n${text}`), user(`/run ${text}`), agent(`I ran that code in the sandbox. ${text}`)]),
  'summarize (a run reply)': text => summarize([user('/run 1'), agent(`Running your code… (see the task panel)\n\n\`\`\`text\n${text}\n\`\`\``), user('Let me calculate'), agent(`Let me calculate \`${text}\`.`)]),
  'splitWords': text => splitWords(text),
  'streamWords': text => drain(streamWords(text, 0, new AbortController().signal)),
  'cleanTitle (model output)': text => cleanTitle(text),
  'classifyProviderError': text => classifyProviderError(new Error(text), 'Agent'),
}

/** The fastest of a few runs, in milliseconds. */
async function fastest(run: () => unknown): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < 3; i++) {
    const started = performance.now()
    await run()
    best = Math.min(best, performance.now() - started)
  }
  return best
}

describe.each(Object.entries(subjects))('%s on adversarial text', (_name, subject) => {
  it.each(Object.entries(adversarial))('%s: fast at 32,000 characters, and linear', async (_shape, make) => {
    const half = make(N / 2)
    const full = make(N)
    expect(full).toHaveLength(N)
    const small = await fastest(() => subject(half))
    const large = await fastest(() => subject(full))
    // Quadratic at this size costs a second or more; linear work here takes a few milliseconds.
    expect(large).toBeLessThan(100)
    // Below 10 ms the timing is mostly noise; above it, doubling the text may not quadruple the time.
    if (large > 10) expect(large / small).toBeLessThan(3)
  })
})
