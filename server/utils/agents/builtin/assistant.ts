// The built-in general assistant: answers from the conversation itself, offline. It recognises
// greetings, help, arithmetic, code, summaries and questions about what was said, and calls the
// calc, run-code and summarize tasks as tools for the work those need.
import { extractCode, hasCodeFence, slashCommandHelp } from '#shared/commands'
import { keyTerms } from '../../tasks/summarize'
import type { Turn } from '../types'
import { failureText, type Step } from './plan'

const GREETING = /^(hi|hello|hey|hiya|yo|howdy|good (morning|afternoon|evening))\b/i
const HELP = /\b(help|what can you do|who are you|how (do|does) (i|this|you) work|commands?)\b/i
const THANKS = /^(thanks|thank you|thx|cheers|great|perfect|nice)\b/i
const SUMMARY = /\b(summari[sz]e|summary|recap|tl;?dr)\b/i
const RECALL = /\b(what did (i|we) (say|ask|write|talk about|discuss)|what have we (discussed|talked about)|my (first|last|previous) (message|question))\b/i
const MATH_LEAD = /^(what('s| is)|calculate|compute|evaluate|how much is|solve)\s+/i
// 2024-05-01, 12/05/2024: a date, not a subtraction or a division.
const DATE = /^\d{4}([-/.])\d{1,2}\1\d{1,2}$|^\d{1,2}([-/.])\d{1,2}\2\d{4}$/

/** The arithmetic in a message ("what is 12 * (3 + 4)?"), or null when it is not a calculation. */
export function mathExpression(text: string): string | null {
  const expr = text.trim().replace(MATH_LEAD, '').replace(/[?=!.]+$/, '').trim()
    // People write "17% of 2,340"; mathjs wants "17% * 2340".
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/%\s*of\b/gi, '% *')
  if (expr.length > 300 || !/\d/.test(expr) || DATE.test(expr)) return null
  if (!/^[\d\s.,+\-*/^%()a-z]+$/i.test(expr)) return null
  const words = expr.match(/[a-z]+/gi) ?? []
  const allowedWords = /^(sqrt|cbrt|sin|cos|tan|log|ln|exp|abs|round|floor|ceil|pi|e|mod|to|in|km|m|cm|mm|mile|miles|inch|inches|ft|feet|kg|g|lb|lbs|degC|degF|celsius|fahrenheit|hour|hours|minute|minutes|second|seconds|day|days)$/i
  if (!words.every(word => allowedWords.test(word))) return null
  return /[+\-*/^%(]|\bto\b|\bin\b/.test(expr) ? expr.replace(/\bln\(/g, 'log(') : null
}

function previousUserTurns(history: Turn[]): string[] {
  return history.slice(0, -1).filter(t => t.role === 'user').map(t => t.content.trim())
}

function quote(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

const capabilities = [
  '- **Calculate**: ask "what is 17% of 2,340?" or type `/calc 2^10 / 3`',
  '- **Run JavaScript** in a sandbox: paste a ```js code block or use `/run`',
  '- **Summarise** this topic: ask for a recap or type `/summarize`',
  '- **Recall** what was said earlier in this topic',
].join('\n')

function helpSteps(): Step[] {
  const commands = slashCommandHelp.map(c => `- \`${c.command}\` — ${c.description}`).join('\n')
  return [{ say: `I'm the built-in assistant. I run entirely on this server, with no model provider and no network, so I can't answer open questions from world knowledge — but here is what I can do right now:\n\n${capabilities}\n\nSlash commands work with every agent:\n\n${commands}\n\nFor open-ended answers, an operator can add OpenAI, Anthropic, Gemini or Ollama agents and you can switch this topic to one of them from the agent picker.` }]
}

function mathSteps(expression: string): Step[] {
  return [
    { say: `Let me calculate \`${expression}\`.\n\n` },
    {
      tool: 'calc',
      input: { expression },
      render: o => (o.status === 'completed' ? `**${expression} = ${String(o.result?.value)}**` : failureText(o)),
    },
  ]
}

function codeSteps(code: string): Step[] {
  return [
    { say: 'I ran that code in the sandbox. ' },
    {
      tool: 'run-code',
      input: { code },
      render: o => (o.status === 'completed' ? `Here is what it printed:\n\n${o.result?.text}` : `${failureText(o)}\n\nFix the error and send the code again, and I will rerun it.`),
    },
  ]
}

function recallSteps(history: Turn[]): Step[] {
  const earlier = previousUserTurns(history)
  if (!earlier.length) return [{ say: 'This is the first thing you have said in this topic, so there is nothing earlier to recall yet.' }]
  const shown = earlier.slice(-6).map((t, i) => `${i + 1}. ${quote(t)}`).join('\n')
  return [{ say: `You have sent ${earlier.length} earlier message${earlier.length === 1 ? '' : 's'} in this topic${earlier.length > 6 ? '; the last six were' : ''}:\n\n${shown}` }]
}

function openSteps(history: Turn[], text: string): Step[] {
  const terms = keyTerms(text, 4)
  const about = terms.length ? terms.map(t => `**${t}**`).join(', ') : 'that'
  const isQuestion = /\?\s*$/.test(text) || /^(how|what|why|when|where|who|which|can|could|should|is|are|do|does)\b/i.test(text)
  const earlierTerms = keyTerms(previousUserTurns(history).join('\n'), 4).filter(t => !terms.includes(t))
  const context = earlierTerms.length ? `\n\nEarlier in this topic you also mentioned ${earlierTerms.map(t => `*${t}*`).join(', ')}.` : ''
  const opening = isQuestion
    ? `You're asking about ${about}. I'm the offline built-in assistant, so I can't answer that from knowledge of the world, and I won't make something up.`
    : `Noted — you're talking about ${about}.`
  return [{ say: `${opening}${context}\n\nWhat I can do with it here:\n\n${capabilities}\n\nTo get a full answer, switch this topic to a model-backed agent in the picker when one is configured.` }]
}

export function planAssistant(history: Turn[]): Step[] {
  const text = history.at(-1)?.content.trim() ?? ''
  const expression = mathExpression(text)
  if (expression) return mathSteps(expression)
  if (hasCodeFence(text)) return codeSteps(extractCode(text))
  if (SUMMARY.test(text)) {
    return [
      { say: 'Here is a summary of this topic so far:\n\n' },
      { tool: 'summarize', input: {}, render: o => (o.status === 'completed' ? o.result!.text : failureText(o)) },
    ]
  }
  if (RECALL.test(text)) return recallSteps(history)
  if (GREETING.test(text)) return [{ say: `Hello! 👋 Good to see you.\n\n${capabilities}\n\nWhat would you like to do?` }]
  if (THANKS.test(text)) return [{ say: 'You are welcome! Anything else I can calculate, run or summarise for you?' }]
  if (HELP.test(text)) return helpSteps()
  return openSteps(history, text)
}
