// `/run`: JavaScript in QuickJS inside a worker thread (sandbox/), so that an endless loop blocks
// neither the socket nor other replies. Limits: memory (QuickJS's own and a capped WebAssembly
// memory), an interrupt deadline, and a hard kill of the worker.
import { z } from 'zod'
import { capText } from '../caps'
import { RUN_LIMITS, runInSandbox, SANDBOX_START_MS, type RunOutcome } from './sandbox/host'
import { defineTaskKind, TaskFailure, truncate } from './types'

// What the person sees of a run, and what goes into the reply and the conversation after it.
const SHOWN_OUTPUT_CHARS = 8_000
const SHOWN_ERROR_CHARS = 4_000
const OUTPUT_BEFORE_ERROR_CHARS = 2_000

/** The sandbox stops keeping output at its limits; this says so, since it cannot tell how much more there was. */
function logLimitNote(outcome: RunOutcome): string | null {
  const chars = outcome.logs.reduce((sum, log) => sum + log.text.length, 0)
  if (outcome.logs.length < RUN_LIMITS.maxLogLines && chars < RUN_LIMITS.maxLogChars) return null
  return `… [output limit reached: the sandbox keeps the first ${RUN_LIMITS.maxLogLines} lines and ${RUN_LIMITS.maxLogChars.toLocaleString('en-US')} characters]`
}

export function formatRunOutput(outcome: RunOutcome): string {
  const lines = outcome.logs.map(log => (log.level === 'log' || log.level === 'info' ? log.text : `[${log.level}] ${log.text}`))
  const note = logLimitNote(outcome)
  if (note) lines.push(note)
  if (outcome.value !== undefined) {
    const cut = outcome.value.length >= RUN_LIMITS.maxValueChars ? `\n… [value cut at ${RUN_LIMITS.maxValueChars.toLocaleString('en-US')} characters]` : ''
    lines.push(`=> ${outcome.value}${cut}`)
  }
  return lines.join('\n')
}

function limitReason(outcome: RunOutcome): string {
  if (outcome.limit === 'time') return `Time limit of ${RUN_LIMITS.timeMs / 1000} s exceeded`
  if (outcome.limit !== 'memory') return capText(outcome.error!, SHOWN_ERROR_CHARS, 'error')
  const detail = /string too long/.test(outcome.error ?? '') ? ' (a string grew past the longest the sandbox allows)' : ''
  return `Memory limit of ${RUN_LIMITS.memoryBytes / 1024 / 1024} MB exceeded${detail}`
}

export default defineTaskKind({
  kind: 'run-code',
  description: 'Run JavaScript (ES2023, no network, no file system, no timers; top-level await works) in a sandbox and return its console output and the value of the last expression.',
  input: z.object({ code: z.string().min(1).max(20_000).describe('JavaScript source; use console.log to print') }),
  // The sandbox's own limits come first; this one also leaves room for loading QuickJS.
  timeoutMs: RUN_LIMITS.timeMs + SANDBOX_START_MS + 3_000,
  title: input => `Run ${truncate(input.code.split('\n')[0]!.trim() || 'code', 50)}`,
  async run(input, ctx) {
    ctx.progress(0.1)
    const outcome = await runInSandbox(input.code, ctx.signal)
    const output = formatRunOutput(outcome)
    if (!outcome.ok) {
      const reason = limitReason(outcome)
      throw new TaskFailure(outcome.limit ? `${outcome.limit}_limit` : 'script_error', output ? `${reason}\nOutput before the error:\n${capText(output, OUTPUT_BEFORE_ERROR_CHARS)}` : reason)
    }
    return {
      text: output ? `\`\`\`text\n${capText(output, SHOWN_OUTPUT_CHARS)}\n\`\`\`` : '_No output._',
      logs: outcome.logs,
      ...(outcome.value !== undefined ? { value: outcome.value } : {}),
    }
  },
})
