// The built-in code runner: every message with JavaScript in it runs in the QuickJS sandbox, and the
// reply reports the output, the value and any error with a hint at its cause.
import { extractCode, hasCodeFence } from '#shared/commands'
import type { Turn } from '../types'
import { failureText, type Step } from './plan'

const LOOKS_LIKE_JS = /(console\.\w+\(|=>|\bfunction\b|\b(const|let|var)\s+\w+\s*=|;\s*$|\breturn\b|\[[^\]]*\]\.(map|filter|reduce)\()/m

function hintFor(message: string): string {
  if (/ReferenceError/.test(message)) return 'A name is used before it is defined — check the spelling, or declare it with `const`.'
  if (/SyntaxError/.test(message)) return 'The code does not parse — look for a missing bracket, quote or comma near the reported spot.'
  if (/TypeError/.test(message)) return 'A value is not what the code expects (often `undefined` or `null`) — log it just before the failing line.'
  if (/Time limit/.test(message)) return 'The code ran too long — look for a loop that never ends.'
  if (/Memory limit/.test(message)) return 'The code used too much memory — look for a structure that grows without bound.'
  return 'Adjust the code and send it again.'
}

export function planCodeRunner(history: Turn[]): Step[] {
  const text = history.at(-1)?.content ?? ''
  const code = hasCodeFence(text) || LOOKS_LIKE_JS.test(text) ? extractCode(text) : ''
  if (!code) {
    return [{ say: 'Send me JavaScript and I will run it in a sandbox (QuickJS: no network, no files, 32 MB, 3 s) and show you what it prints. For example:\n\n```js\nconst squares = [1, 2, 3].map(n => n * n)\nconsole.log(squares)\nsquares.reduce((a, b) => a + b)\n```' }]
  }
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
