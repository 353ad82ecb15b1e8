// The built-in general assistant: answers from the conversation itself, offline. It recognises
// greetings, help, arithmetic, code, summaries and questions about what was said, and calls the
// calc, run-code and summarize tasks as tools for the work those need.
import { codeToRun, slashCommandHelp } from '#shared/commands'
import type { Turn } from '../types'
import { failureText, NO_MODEL_AGENTS, type PlannerContext, type Step } from './plan'

const GREETING = /^(hi|hello|hey|hiya|yo|howdy|good (morning|afternoon|evening))\b/i
const HELP = /\b(help|what can you do|who are you|how (do|does) (i|this|you) work|commands?)\b/i
const THANKS = /^(thanks|thank you|thx|cheers|great|perfect|nice)\b/i
const SUMMARY = /\b(summari[sz]e|summary|recap|tl;?dr)\b/i
const RECALL = /\b(what did (i|we) (say|ask|write|talk about|discuss)|what have we (discussed|talked about)|my (first|last|previous) (message|question))\b/i
const MATH_LEAD = /^(what('s| is)|calculate|compute|evaluate|how much is|solve)\s+/i
// 2024-05-01, 12/05/2024: a date, not a subtraction or a division.
const DATE = /^\d{4}([-/.])\d{1,2}\1\d{1,2}$|^\d{1,2}([-/.])\d{1,2}\2\d{4}$/
const QUESTION = /^(how|what|why|when|where|who|which|can|could|should|would|will|is|are|do|does|did)\b/i
const ABOUT_CODE = /\b(code|javascript|js|script|function|program|bug|array|loop)\b/i
const ABOUT_NUMBERS = /\b(calculate|sum|total|percent(age)?|average|convert|price|cost|how (much|many))\b/i
/** Where an operator learns to add model-backed agents; said once per topic. */
export const AGENTS_DOC = 'docs/agents.md'

/** The arithmetic in a message ("what is 12 * (3 + 4)?"), or null when it is not a calculation. */
export function mathExpression(text: string): string | null {
  // Nothing longer is a calculation; the rewrites below then never see a long text.
  if (text.length > 400) return null
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

function modelPointer(context: PlannerContext): string {
  const names = context.modelAgents.slice(0, 3).map(name => `*${name}*`).join(' or ')
  return `switch this topic to ${names} in the agent picker`
}

const DOCS_POINTER = `An operator can add OpenAI, Anthropic, Gemini or Ollama agents, see ${AGENTS_DOC}.`

function helpSteps(context: PlannerContext): Step[] {
  const commands = slashCommandHelp.map(c => `- \`${c.command}\` — ${c.description}`).join('\n')
  const more = context.modelAgents.length
    ? `For open-ended answers, ${modelPointer(context)}.`
    : `For open-ended answers, an operator can add OpenAI, Anthropic, Gemini or Ollama agents (see ${AGENTS_DOC}); you can then switch this topic to one of them in the agent picker.`
  return [{ say: `I'm the built-in assistant. I run entirely on this server, with no model provider and no network, so I can't answer open questions from world knowledge — but here is what I can do right now:\n\n${capabilities}\n\nSlash commands work with every agent:\n\n${commands}\n\n${more}` }]
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

/** The one capability that fits what was said, if any. */
function fittingCapability(text: string): string {
  if (ABOUT_CODE.test(text)) return 'If it is JavaScript, paste it in a ```js block and I will run it.'
  if (ABOUT_NUMBERS.test(text)) return 'If there is something to work out, ask me like "what is 17% of 2,340?".'
  return ''
}

const RECALL_HINT = 'Ask me "what did I say?" whenever you want it back.'

// Fallbacks stay short: a sentence on the situation and at most one pointer, never one that an
// earlier reply of this topic already gave. Their openings are what the summary recognises as
// filler (tasks/summarize.ts), so keep the two in step.
function openSteps(history: Turn[], text: string, context: PlannerContext): Step[] {
  const unsaid = (hint: string) => (hint && !history.some(t => t.role === 'assistant' && t.content.includes(hint)) ? hint : '')
  const capability = unsaid(fittingCapability(text))
  if (/\?\s*$/.test(text) || QUESTION.test(text)) {
    const pointer = context.modelAgents.length ? `You can ${modelPointer(context)} for an answer.` : unsaid(DOCS_POINTER)
    return [{ say: `I can't answer that offline: I'm the built-in assistant, with no language model behind me, and I won't guess. ${pointer || capability}`.trim() }]
  }
  const next = capability || (context.modelAgents.length ? '' : unsaid(DOCS_POINTER)) || unsaid(RECALL_HINT)
  return [{ say: `Noted. ${next}`.trim() }]
}

export function planAssistant(history: Turn[], context: PlannerContext = NO_MODEL_AGENTS): Step[] {
  const text = history.at(-1)?.content.trim() ?? ''
  const expression = mathExpression(text)
  if (expression) return mathSteps(expression)
  const fenced = codeToRun(text)
  if (fenced && 'refusal' in fenced) return [{ say: fenced.refusal }]
  if (fenced?.code) return codeSteps(fenced.code)
  if (SUMMARY.test(text)) {
    return [
      { say: 'Here is a summary of this topic so far:\n\n' },
      { tool: 'summarize', input: {}, render: o => (o.status === 'completed' ? o.result!.text : failureText(o)) },
    ]
  }
  if (RECALL.test(text)) return recallSteps(history)
  if (GREETING.test(text)) return [{ say: 'Hello! 👋 I can calculate, run JavaScript, and summarise or recall this topic. What would you like to do?' }]
  if (THANKS.test(text)) return [{ say: 'You are welcome! Anything else I can calculate, run or summarise for you?' }]
  if (HELP.test(text)) return helpSteps(context)
  return openSteps(history, text, context)
}
