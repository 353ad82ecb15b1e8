// `/summarize`: an extractive summary of the topic — the sentences that carry its most frequent terms.
import { z } from 'zod'
import { defineTaskKind } from './types'

import type { Turn } from '../agents/types'

const STOPWORDS = new Set(('a an and are as at be but by can could did do does for from had has have he her his how i if in into is it its '
  + 'just me my no not of on or our she so than that the their them then there these they this to too us was we were what when where '
  + 'which who why will with would you your yes ok okay please thanks thank let lets also about some any all more most very really').split(' '))

/** Text without code: fenced blocks and inline code say little about what a conversation is about. */
function withoutCode(text: string): string {
  return text.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ')
}

export function keyTerms(text: string, count: number): string[] {
  const freq = new Map<string, number>()
  for (const word of withoutCode(text).toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]{2,}/gu) ?? []) {
    // Numbers alone (2340, the 340 of "2,340") are not topics.
    if (!STOPWORDS.has(word) && /\p{L}/u.test(word)) freq.set(word, (freq.get(word) ?? 0) + 1)
  }
  return [...freq.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, count).map(([word]) => word)
}

function sentences(text: string): string[] {
  // Markdown markers go, but a lone `*` may be multiplication and stays.
  const prose = text.replace(/```[\s\S]*?```/g, ' ').replace(/\*\*|__|`/g, '').replace(/^\s*(#+|>)\s*/gm, '')
  return prose
    .split(/(?<=[.!?])\s+|\n+/)
    .map(s => s.trim())
    // A sentence ending in ':' only introduces what followed (a list, a code block).
    .filter(s => s.length >= 12 && s.length <= 400 && !s.endsWith(':'))
}

export function summarize(turns: Turn[], maxSentences = 5): { text: string, terms: string[], picked: string[] } {
  const userTurns = turns.filter(t => t.role === 'user').length
  const all = turns.flatMap(turn => sentences(turn.content).map(sentence => ({ sentence, role: turn.role })))
  // What the person talks about names the topic; the agent's phrasing ("here is what it printed") does not.
  const userText = turns.filter(t => t.role === 'user').map(t => t.content).join('\n')
  const fromUser = keyTerms(userText, 12)
  const terms = fromUser.length >= 3 ? fromUser : keyTerms(turns.map(t => t.content).join('\n'), 12)
  const weight = new Map(terms.map((term, i) => [term, terms.length - i]))
  const scored = all.map((item, index) => {
    const words = item.sentence.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]{2,}/gu) ?? []
    const score = words.reduce((sum, w) => sum + (weight.get(w) ?? 0), 0) / Math.sqrt(words.length || 1)
    return { ...item, index, score }
  })
  const seen = new Set<string>()
  const picked = scored
    .sort((a, b) => b.score - a.score)
    .filter(item => item.score > 0 && !seen.has(item.sentence.toLowerCase()) && seen.add(item.sentence.toLowerCase()))
    .slice(0, maxSentences)
    .sort((a, b) => a.index - b.index)
  const header = `**${turns.length} message${turns.length === 1 ? '' : 's'}** (${userTurns} from you, ${turns.length - userTurns} from the agent).`
  const topTerms = terms.slice(0, 6)
  const body = picked.length
    ? picked.map(item => `- ${item.role === 'user' ? 'You' : 'Agent'}: ${item.sentence}`).join('\n')
    : '- Nothing substantial has been said yet.'
  const text = [header, topTerms.length ? `Key terms: ${topTerms.map(t => `\`${t}\``).join(', ')}.` : '', body].filter(Boolean).join('\n\n')
  return { text, terms: topTerms, picked: picked.map(p => p.sentence) }
}

export default defineTaskKind({
  kind: 'summarize',
  description: 'Summarise the conversation of the current topic: message counts, key terms and its most telling sentences.',
  input: z.object({}),
  timeoutMs: 10_000,
  title: () => 'Summarise topic',
  async run(_input, ctx) {
    const turns = (await ctx.loadConversation()).filter(t => !/^\/summari[sz]e\b/i.test(t.content.trim()))
    ctx.progress(0.5)
    const { text, terms } = summarize(turns)
    return { text, terms, messageCount: turns.length }
  },
})
