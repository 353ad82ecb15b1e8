// The built-in code runner: every message with JavaScript in it runs in the QuickJS sandbox, and the
// reply reports the output, the value and any error with a hint at its cause. Blocks labelled with
// another language are refused, not run.
import { codeToRun } from '#shared/commands'
import type { Turn } from '../types'
import { failureText, type Step } from './plan'

// Unfenced text that reads as JavaScript. Every alternative is linear: no class can run past the
// bracket or line that ends it.
const LOOKS_LIKE_JS = /(console\.\w+\(|=>|\bfunction\b|\b(const|let|var)\s+\w+\s*=|;\s*$|\breturn\b|\[[^[\]\n]*\]\.(map|filter|reduce)\()/m

const HINTS: [RegExp, string][] = [
  [/'print' is not defined/, '`print` is Python; in JavaScript, print with `console.log(...)`.'],
  [/'(setTimeout|setInterval|fetch|require|process|XMLHttpRequest)' is not defined/, 'The sandbox has no timers, network, modules or file system: only plain JavaScript and `console`.'],
  [/ReferenceError/, 'A name is used before it is defined — check the spelling, or declare it with `const`.'],
  [/SyntaxError/, 'The code does not parse — look for a missing bracket, quote or comma near the reported spot.'],
  [/TypeError/, 'A value is not what the code expects (often `undefined` or `null`) — log it just before the failing line.'],
  [/Time limit/, 'The code ran too long — look for a loop that never ends.'],
  [/Memory limit/, 'The code used too much memory — look for a structure that grows without bound.'],
]

function hintFor(message: string): string {
  return HINTS.find(([pattern]) => pattern.test(message))?.[1] ?? 'Adjust the code and send it again.'
}

const INSTRUCTIONS = 'Send me JavaScript and I will run it in a sandbox (QuickJS: no network, no files, 32 MB, 3 s) and show you what it prints. For example:\n\n```js\nconst squares = [1, 2, 3].map(n => n * n)\nconsole.log(squares)\nsquares.reduce((a, b) => a + b)\n```'

function runSteps(code: string): Step[] {
  const lines = code.split('\n').length
  return [
    { say: `Running ${lines} line${lines === 1 ? '' : 's'} of JavaScript in the sandbox…\n\n` },
    {
      tool: 'run-code',
      input: { code },
      render: (o) => {
        if (o.status !== 'completed') return `${failureText(o)}\n\n💡 ${hintFor(o.error?.message ?? '')}`
        const value = o.result?.value === undefined ? '' : `\n\nThe last expression evaluated to \`${String(o.result.value)}\`.`
        return `✅ Finished.\n\n${o.result?.text}${value}`
      },
    },
  ]
}

export function planCodeRunner(history: Turn[]): Step[] {
  const text = history.at(-1)?.content ?? ''
  const fenced = codeToRun(text)
  if (fenced && 'refusal' in fenced) return [{ say: fenced.refusal }]
  const code = fenced ? fenced.code : LOOKS_LIKE_JS.test(text) ? text.trim() : ''
  return code ? runSteps(code) : [{ say: INSTRUCTIONS }]
}
