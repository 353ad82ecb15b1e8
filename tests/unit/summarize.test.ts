import { describe, expect, it } from 'vitest'
import { planAssistant } from '../../server/utils/agents/builtin/assistant'
import { planCodeRunner } from '../../server/utils/agents/builtin/code-runner'
import type { Planner } from '../../server/utils/agents/builtin/plan'
import type { ToolOutcome, Turn } from '../../server/utils/agents/types'
import summarizeKind, { keyTerms, summarize } from '../../server/utils/tasks/summarize'
import type { TaskContext } from '../../server/utils/tasks/types'

const user = (content: string): Turn => ({ role: 'user', content })
const agent = (content: string): Turn => ({ role: 'assistant', content })

describe('keyTerms', () => {
  it('ranks words by frequency, ties alphabetically, and limits the count', () => {
    expect(keyTerms('zebra apple zebra mango apple zebra kiwi', 3)).toEqual(['zebra', 'apple', 'kiwi'])
  })

  it('ignores stop words and words shorter than three characters', () => {
    expect(keyTerms('The cat and the dog are at it, so we go', 10)).toEqual(['cat', 'dog'])
  })

  it('is case-insensitive and keeps apostrophes and hyphens inside words', () => {
    expect(keyTerms('Kyoto KYOTO kyoto; well-known Anne\'s', 5)).toEqual(['kyoto', 'anne\'s', 'well-known'])
  })

  it('handles letters beyond ASCII and leaves bare numbers out', () => {
    expect(keyTerms('Müller café 2024 café', 3)).toEqual(['café', 'müller'])
    expect(keyTerms('What is 17.5% of 2,340? Python3 and python3', 3)).toEqual(['python3'])
  })

  it('ignores code: fenced blocks and inline code', () => {
    expect(keyTerms('Deploy the server\n```js\nconsole.log(console.log)\n```\nuse `console` once', 5)).toEqual(['deploy', 'once', 'server', 'use'])
  })

  it('returns nothing for empty or stop-word-only text', () => {
    expect(keyTerms('', 5)).toEqual([])
    expect(keyTerms('the and you would please thanks', 5)).toEqual([])
  })
})

describe('summarize', () => {
  const trip = [
    user('Please remember that my budget is limited this year.'),
    agent('Noted, a limited budget.'),
    user('I want to plan a Kyoto trip: Kyoto temples, Kyoto gardens and Kyoto food.'),
    agent('Kyoto in spring is lovely; Kyoto temples open early.'),
  ]

  it('counts messages by who sent them', () => {
    expect(summarize(trip).text.startsWith('**4 messages** (2 from you, 2 from the agent).')).toBe(true)
    expect(summarize([user('Just one message here.')]).text.startsWith('**1 message** (1 from you, 0 from the agent).')).toBe(true)
  })

  it('ranks the key terms, most frequent first, without listing them in the text', () => {
    const { terms, text } = summarize(trip)
    expect(terms[0]).toBe('kyoto')
    expect(terms.length).toBeLessThanOrEqual(6)
    expect(text).not.toContain('Key terms')
  })

  it('picks the most telling sentences but keeps them in conversation order', () => {
    const { picked } = summarize(trip, 2)
    // The Kyoto sentences score highest; the later agent one must still come after the user one.
    expect(picked).toEqual([
      'I want to plan a Kyoto trip: Kyoto temples, Kyoto gardens and Kyoto food.',
      'Kyoto in spring is lovely; Kyoto temples open early.',
    ])
  })

  it('keeps original order when a low-scoring early sentence is picked with a high-scoring late one', () => {
    const turns = [
      user('Budget matters for this trip.'),
      user('Kyoto, Kyoto, Kyoto and Kyoto again with the budget.'),
    ]
    const { picked } = summarize(turns, 5)
    expect(picked).toEqual(['Budget matters for this trip.', 'Kyoto, Kyoto, Kyoto and Kyoto again with the budget.'])
  })

  it('labels each picked sentence with who said it', () => {
    const { text } = summarize(trip, 2)
    expect(text).toContain('- You: I want to plan a Kyoto trip')
    expect(text).toContain('- Agent: Kyoto in spring is lovely')
  })

  it('limits the number of sentences', () => {
    expect(summarize(trip, 1).picked).toHaveLength(1)
    expect(summarize(trip, 5).picked.length).toBeLessThanOrEqual(5)
  })

  it('skips code blocks, markdown marks, very short sentences and repeats', () => {
    const { picked } = summarize([
      user('```js\nconst secretCodeWord = 1\n```\n**Deploy** the server on Friday.'),
      user('Deploy the server on Friday.'),
      user('Deploy now.'),
    ])
    expect(picked).toEqual(['Deploy the server on Friday.'])
    expect(picked.join(' ')).not.toContain('secretCodeWord')
  })

  it('handles an empty conversation', () => {
    expect(summarize([])).toEqual({
      text: '**0 messages** (0 from you, 0 from the agent).\n\n- Nothing substantial has been said yet.',
      terms: [],
      picked: [],
      messageCount: 0,
    })
  })
})

/** A conversation as the built-in agents would have written it, each tool step rendered with `outcome`. */
function chatWith(planner: Planner) {
  const turns: Turn[] = []
  return {
    turns,
    say(text: string, outcome?: ToolOutcome) {
      turns.push(user(text))
      const steps = planner(turns, { modelAgents: [] })
      turns.push(agent(steps.map(s => ('say' in s ? s.say : s.render(outcome!))).join('')))
      return this
    },
    command(text: string, reply: string) {
      turns.push(user(text), agent(reply))
      return this
    },
  }
}

describe('summarize: a topic with the built-in agents', () => {
  const chat = chatWith(planAssistant)
    .say('Hello')
    .say('help')
    .command('/calc 2^10 / 4', 'Calculating… (see the task panel)\n\n`2^10 / 4` = **256**')
    .say('what is 17% of 2,340?', { status: 'completed', result: { text: '`17% * 2340` = **397.8**', value: '397.8' } })
    .command('/run\n```js\nconst xs = [1, 2, 3]\nconsole.log(xs.join(","))\nxs.length\n```', 'Running your code… (see the task panel)\n\n```text\n1,2,3\n=> 3\n```')
    .say('Run this:\n```js\nnull.x\n```', { status: 'failed', error: { code: 'script_error', message: 'TypeError: cannot read property \'x\' of null' } })
    .say('```python\nprint(1)\n```')
    .command('/calc foo(', 'Calculating… (see the task panel)\n\nThe task failed: Cannot evaluate "foo(": Parenthesis ) expected')
    .command('/shrug', 'Unknown command `/shrug`. Available: /calc, /run, /summarize')
    .say('I am planning a kangaroo safari in Australia next spring.')
    .say('Why do kangaroos hop so far?')
    .say('Can you summarize this topic?', { status: 'completed', result: { text: '**3 messages** (2 from you, 1 from the agent).\n\n- You: earlier' } })
  chat.turns.push(user('/summarize'), agent('Summarising this topic… (see the task panel)\n\n'))
  const { text, messageCount } = summarize(chat.turns)

  it('lists each calculation and code run with its outcome, in order, then what was said', () => {
    expect(text).toBe([
      '**22 messages** (11 from you, 11 from the agent).',
      '',
      '- Calculated `2^10 / 4` = **256**',
      '- Calculated `17% * 2340` = **397.8**',
      '- Ran JavaScript `const xs = [1, 2, 3]`: printed `1,2,3`, gave `3`',
      '- Ran JavaScript `null.x`: failed with TypeError: cannot read property \'x\' of null',
      '- Shared a `python` block: not run, only JavaScript runs here',
      '- Calculation `foo(` failed with Cannot evaluate "foo(": Parenthesis ) expected',
      '- You: I am planning a kangaroo safari in Australia next spring.',
      '- You asked: Why do kangaroos hop so far?',
    ].join('\n'))
    expect(messageCount).toBe(22)
  })

  it.each([
    'built-in assistant',
    'Hello!',
    'see the task panel',
    '/calc',
    '/shrug',
    'Unknown command',
    'Noted',
    'I can\'t answer',
    'docs/agents.md',
    'Slash commands',
    '3 messages',
  ])('leaves out the app\'s own text: %j', (boilerplate) => {
    expect(text).not.toContain(boilerplate)
  })

  it('reads a code runner topic, fenced or not', () => {
    const runner = chatWith(planCodeRunner)
      .say('console.log([1, 2].map(n => n * 2))', { status: 'completed', result: { text: '```text\n[ 2, 4 ]\nsecond\nthird\n```' } })
      .say('```js\nlet quiet = 1\n```', { status: 'completed', result: { text: '_No output._' } })
      .say('```js\n[1, 2]\n```', { status: 'completed', result: { text: '```text\n=> [\n  1,\n  2\n]\n```' } })
      .say('```js\nwhile (true) {}\n```', { status: 'failed', error: { code: 'time_limit', message: 'Time limit of 3 s exceeded' } })
      .say('hello')
    expect(summarize(runner.turns).text).toBe([
      '**10 messages** (5 from you, 5 from the agent).',
      '',
      '- Ran JavaScript `console.log([1, 2].map(n => n * 2))`: printed `[ 2, 4 ]` and 2 more lines',
      '- Ran JavaScript `let quiet = 1`: ran with no output',
      '- Ran JavaScript `[1, 2]`: gave `[ 1, 2 ]`',
      '- Ran JavaScript `while (true) {}`: failed with Time limit of 3 s exceeded',
    ].join('\n'))
  })

  it('keeps a model agent\'s prose, even when it has a bold "a = b" line', () => {
    const { text: summary } = summarize([
      user('How should I split the restaurant bill between four friends?'),
      agent('Split the restaurant bill evenly between the four friends.\n**Total = 120**\nEach friend pays thirty.'),
    ])
    expect(summary).toContain('- Agent: Split the restaurant bill evenly between the four friends.')
    expect(summary).not.toContain('Calculated')
  })

  it('shows the last eight calculations and counts the earlier ones', () => {
    const many = Array.from({ length: 11 }, (_, i) => [user(`/calc ${i} + 1`), agent(`Calculating… (see the task panel)\n\n\`${i} + 1\` = **${i + 1}**`)]).flat()
    const { text: summary } = summarize(many)
    expect(summary).toContain('- …and 3 earlier calculations or code runs.')
    expect(summary).not.toContain('`2 + 1`')
    expect(summary).toContain('- Calculated `3 + 1` = **4**\n')
    expect(summary.endsWith('- Calculated `10 + 1` = **11**')).toBe(true)
  })

  it('reads a long conversation quickly', () => {
    const long = Array.from({ length: 40 }, (_, i) => [user(`${'word '.repeat(6_000)} ${i}`), agent('`a'.repeat(16_000))]).flat()
    const started = performance.now()
    summarize(long)
    expect(performance.now() - started).toBeLessThan(3_000)
  })
})

describe('the summarize task kind', () => {
  it('summarises the loaded conversation without the /summarize commands themselves', async () => {
    const reported: number[] = []
    const ctx: TaskContext = {
      signal: new AbortController().signal,
      progress: v => reported.push(v),
      loadConversation: async () => [
        user('Our release checklist needs a changelog entry.'),
        agent('The release checklist is in the docs folder.'),
        user('/summarize'),
        user('/Summarise please'),
      ],
    }
    const result = await summarizeKind.run({}, ctx)
    expect(result.messageCount).toBe(2)
    expect(result.text).toContain('**2 messages** (1 from you, 1 from the agent)')
    expect(result.terms).toEqual(expect.arrayContaining(['release', 'checklist']))
    expect(reported.length).toBeGreaterThan(0)
    expect(summarizeKind.title({})).toBe('Summarise topic')
  })
})
