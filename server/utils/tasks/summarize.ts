// `/summarize`: what a topic asked and what came out. Calculations and code runs are listed with
// their outcome; prose is summarised by its most telling sentences. The built-in agents' canned
// texts (help, greetings, fallbacks, "see the task panel") and earlier summaries are left out.
import { z } from 'zod'
import { firstCodeBlock, NOT_JAVASCRIPT, parseSlashCommand } from '#shared/commands'
import { defineTaskKind, truncate } from './types'

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
  const prose = text.replace(/```[\s\S]*?```/g, ' ').replace(/\*\*|__|`/g, '').replace(/^[ \t]*(#+|>)[ \t]*/gm, '')
  return prose
    .split(/(?<=[.!?])\s+|\n+/)
    .map(s => s.trim())
    // A sentence ending in ':' only introduces what followed (a list, a code block).
    .filter(s => s.length >= 12 && s.length <= 400 && !s.endsWith(':'))
}

// The built-in agents' canned replies, by their openings (builtin/assistant.ts, code-runner.ts).
// A reply to a request about the chat itself takes the request with it; filler goes alone.
const META_REPLY = /^(I'm the built-in assistant|Hello! 👋|You are welcome!|You have sent \d+ earlier message|This is the first thing you have said|Send me JavaScript|Here is a summary of this topic)/
const FILLER_REPLY = /^(Noted\.(\s|$)|I can't answer that offline)/
const SUMMARY_REQUEST = /\b(summari[sz]e|summary|recap|tl;?dr)\b/i
// "**3 messages** (…)": the header of an earlier summary, wherever it was quoted.
const SUMMARY_HEADER = /^\*\*\d+ messages?\*\* \(/m

function isSummaryRequest(turn: Turn): boolean {
  const text = turn.content.trim()
  const command = parseSlashCommand(text)
  if (command) return 'kind' in command && command.kind === 'summarize'
  return text.length <= 80 && SUMMARY_REQUEST.test(text)
}

/** The conversation without summary requests and the summaries that answered them. */
function withoutSummaries(turns: Turn[]): Turn[] {
  const kept: Turn[] = []
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!
    if (turn.role === 'user' && isSummaryRequest(turn)) {
      if (turns[i + 1]?.role === 'assistant') i++
      continue
    }
    if (turn.role === 'assistant' && SUMMARY_HEADER.test(turn.content)) continue
    kept.push(turn)
  }
  return kept
}

/** "`2^10` = **1024**" (the calc task) or "**2^10 = 1024**" (the assistant), read without regexes that could backtrack. */
function calcResult(reply: string): string | null {
  for (const raw of reply.split('\n')) {
    const line = raw.trim()
    if (!line.endsWith('**') || line.length < 7) continue
    const task = line.startsWith('`') ? line.indexOf('` = **') : -1
    if (task > 0) return `\`${line.slice(1, task)}\` = **${line.slice(task + 6, -2)}**`
    const inner = line.startsWith('**') ? line.slice(2, -2) : ''
    const equals = inner.lastIndexOf(' = ')
    if (equals > 0) return `\`${inner.slice(0, equals)}\` = **${inner.slice(equals + 3)}**`
  }
  return null
}

function lineAfter(text: string, marker: string): string | null {
  const start = text.indexOf(marker)
  if (start < 0) return null
  const end = text.indexOf('\n', start)
  return text.slice(start + marker.length, end < 0 ? undefined : end).trim()
}

/** What a code run gave, from the reply that reported it. */
function runOutcome(reply: string): string | null {
  const failed = lineAfter(reply, 'The task failed: ')
  if (failed !== null) return `failed with ${truncate(failed, 120)}`
  if (reply.includes('The task was cancelled')) return 'was cancelled'
  if (reply.includes('_No output._')) return 'ran with no output'
  const output = /```text\n([\s\S]*?)```/.exec(reply)?.[1]
  if (output === undefined) return null
  const lines = output.split('\n').filter(Boolean)
  // The value comes last, and may span several lines ("=> [\n  1,\n  2\n]").
  const at = lines.findLastIndex(line => line.startsWith('=> '))
  const value = at < 0 ? undefined : lines.slice(at).join(' ').slice(3).replace(/\s+/g, ' ')
  const printed = at < 0 ? lines : lines.slice(0, at)
  const parts = [
    printed.length ? `printed \`${truncate(printed[0]!, 60)}\`${printed.length > 1 ? ` and ${printed.length - 1} more line${printed.length > 2 ? 's' : ''}` : ''}` : '',
    value === undefined ? '' : `gave \`${truncate(value, 60)}\``,
  ]
  return parts.filter(Boolean).join(', ') || 'ran'
}

function codeLabel(code: string): string {
  const first = code.split('\n', 20).map(line => line.trim()).find(Boolean) ?? ''
  return first ? ` \`${truncate(first, 50)}\`` : ''
}

// How the built-in replies that report a tool begin; a model agent's prose is never read as one.
const CALC_REPLY = /^Let me calculate /
const RUN_REPLY = /^(I ran that code in the sandbox|Running \d+ lines? of JavaScript)/

/** A calculation or a code run that the user asked for, with its outcome; null for anything else. */
function toolEvent(request: string, reply: string): string | null {
  const parsed = parseSlashCommand(request)
  const command = parsed && 'kind' in parsed ? parsed : null
  if (command?.kind === 'calc' || CALC_REPLY.test(reply)) {
    const calc = calcResult(reply)
    if (calc) return `Calculated ${calc}`
    const expression = command?.kind === 'calc' ? command.input.expression : lineAfter(reply, 'Let me calculate ')?.replace(/^`|`\.$/g, '')
    return `Calculation \`${truncate(expression ?? '', 60)}\` ${runOutcome(reply) ?? 'gave no result'}`
  }
  const block = firstCodeBlock(request)
  if (reply.startsWith(NOT_JAVASCRIPT)) return `Shared a \`${block?.lang || 'non-JavaScript'}\` block: not run, only JavaScript runs here`
  if (command?.kind !== 'run-code' && !RUN_REPLY.test(reply)) return null
  const code = command?.kind === 'run-code' ? command.input.code : block?.code ?? request
  return `Ran JavaScript${codeLabel(code)}: ${runOutcome(reply) ?? 'no result yet'}`
}

interface Item { order: number, line: string }
interface Said { order: number, role: Turn['role'], sentence: string }

/** The tool events and the sentences worth summarising, in conversation order. */
function collect(turns: Turn[]): { events: Item[], said: Said[] } {
  const events: Item[] = []
  const said: Said[] = []
  const say = (turn: Turn, order: number) => said.push(...sentences(turn.content).map(sentence => ({ order, role: turn.role, sentence })))
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!
    if (turn.role === 'assistant') {
      if (!FILLER_REPLY.test(turn.content) && !META_REPLY.test(turn.content)) say(turn, i)
      continue
    }
    const reply = turns[i + 1]?.role === 'assistant' ? turns[i + 1]!.content : ''
    const event = toolEvent(turn.content, reply)
    const command = parseSlashCommand(turn.content)
    if (event) events.push({ order: i, line: `- ${event}` })
    // A slash command's reply ("Calculating… (see the task panel)") is only its outcome.
    if (event || command || META_REPLY.test(reply)) {
      if (reply) i++
      continue
    }
    say(turn, i)
  }
  return { events, said }
}

/** The most telling sentences: those that carry the topic's most frequent terms. */
function pick(said: Said[], terms: string[], max: number): Said[] {
  const weight = new Map(terms.map((term, i) => [term, terms.length - i]))
  const seen = new Set<string>()
  return said
    .map((item, index) => {
      const words = item.sentence.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]{2,}/gu) ?? []
      return { item, index, score: words.reduce((sum, w) => sum + (weight.get(w) ?? 0), 0) / Math.sqrt(words.length || 1) }
    })
    .sort((a, b) => b.score - a.score)
    .filter(({ item, score }) => score > 0 && !seen.has(item.sentence.toLowerCase()) && seen.add(item.sentence.toLowerCase()))
    .slice(0, max)
    .sort((a, b) => a.index - b.index)
    .map(({ item }) => item)
}

const MAX_EVENTS = 8

function bullet(item: Said): string {
  if (item.role === 'assistant') return `- Agent: ${item.sentence}`
  return `- ${item.sentence.endsWith('?') ? 'You asked' : 'You'}: ${item.sentence}`
}

export function summarize(conversation: Turn[], maxSentences = 5): { text: string, terms: string[], picked: string[], messageCount: number } {
  const turns = withoutSummaries(conversation)
  const userTurns = turns.filter(t => t.role === 'user').length
  const { events, said } = collect(turns)
  // What the person talks about names the topic; the agent's phrasing ("here is what it printed") does not.
  const fromUser = keyTerms(said.filter(s => s.role === 'user').map(s => s.sentence).join('\n'), 12)
  const terms = fromUser.length >= 3 ? fromUser : keyTerms(said.map(s => s.sentence).join('\n'), 12)
  const picked = pick(said, terms, maxSentences)
  const shownEvents = events.slice(-MAX_EVENTS)
  const items: Item[] = [...shownEvents, ...picked.map(item => ({ order: item.order, line: bullet(item) }))]
    .sort((a, b) => a.order - b.order)
  const earlier = events.length - shownEvents.length
  const lines = [
    ...(earlier ? [`- …and ${earlier} earlier calculation${earlier === 1 ? '' : 's'} or code run${earlier === 1 ? '' : 's'}.`] : []),
    ...items.map(item => item.line),
  ]
  const header = `**${turns.length} message${turns.length === 1 ? '' : 's'}** (${userTurns} from you, ${turns.length - userTurns} from the agent).`
  const body = lines.length ? lines.join('\n') : '- Nothing substantial has been said yet.'
  return { text: `${header}\n\n${body}`, terms: terms.slice(0, 6), picked: picked.map(p => p.sentence), messageCount: turns.length }
}

export default defineTaskKind({
  kind: 'summarize',
  description: 'Summarise the conversation of the current topic: message counts, the calculations and code runs with their outcome, and its most telling sentences.',
  input: z.object({}),
  timeoutMs: 10_000,
  title: () => 'Summarise topic',
  async run(_input, ctx) {
    const conversation = await ctx.loadConversation()
    ctx.progress(0.5)
    const { text, terms, messageCount } = summarize(conversation)
    return { text, terms, messageCount }
  },
})
