import { describe, expect, it } from 'vitest'
import type { Turn } from '../../server/utils/agents/types'
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

  it('lists the key terms, most frequent first', () => {
    const { terms, text } = summarize(trip)
    expect(terms[0]).toBe('kyoto')
    expect(terms.length).toBeLessThanOrEqual(6)
    expect(text).toContain('Key terms: `kyoto`')
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
    })
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
