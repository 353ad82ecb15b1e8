// `/run`: JavaScript in QuickJS inside a worker thread (sandbox/), so that an endless loop blocks
// neither the socket nor other replies. Limits: memory (QuickJS's own and a capped WebAssembly
// memory), an interrupt deadline, and a hard kill of the worker.
import { z } from 'zod'
import { RUN_LIMITS, runInSandbox, type RunOutcome } from './sandbox/host'
import { defineTaskKind, TaskFailure, truncate } from './types'

export function formatRunOutput(outcome: RunOutcome): string {
  const lines = outcome.logs.map(log => (log.level === 'log' || log.level === 'info' ? log.text : `[${log.level}] ${log.text}`))
  if (outcome.value !== undefined) lines.push(`=> ${outcome.value}`)
  return lines.join('\n')
}

function limitReason(outcome: RunOutcome): string {
  if (outcome.limit === 'time') return `Time limit of ${RUN_LIMITS.timeMs / 1000} s exceeded`
  if (outcome.limit !== 'memory') return outcome.error!
  const detail = /string too long/.test(outcome.error ?? '') ? ' (a string grew past the longest the sandbox allows)' : ''
  return `Memory limit of ${RUN_LIMITS.memoryBytes / 1024 / 1024} MB exceeded${detail}`
}

export default defineTaskKind({
  kind: 'run-code',
  description: 'Run JavaScript (ES2023, no network, no file system, no timers; top-level await works) in a sandbox and return its console output and the value of the last expression.',
  input: z.object({ code: z.string().min(1).max(20_000).describe('JavaScript source; use console.log to print') }),
  timeoutMs: RUN_LIMITS.timeMs + 5_000,
  title: input => `Run ${truncate(input.code.split('\n')[0]!.trim() || 'code', 50)}`,
  async run(input, ctx) {
    ctx.progress(0.1)
    const outcome = await runInSandbox(input.code, ctx.signal)
    const output = formatRunOutput(outcome)
    if (!outcome.ok) {
      const reason = limitReason(outcome)
      throw new TaskFailure(outcome.limit ? `${outcome.limit}_limit` : 'script_error', output ? `${reason}\nOutput before the error:\n${truncate(output, 2000)}` : reason)
    }
    return {
      text: output ? `\`\`\`text\n${truncate(output, 8000)}\n\`\`\`` : '_No output._',
      logs: outcome.logs,
      ...(outcome.value !== undefined ? { value: outcome.value } : {}),
    }
  },
})
