// Built-in agents compose a reply as a plan: text to say and tools to call, each tool's outcome
// rendered into the text that follows. The plan is plain data, so it is easy to test.
import type { AgentRuntime, ReplyContext, ToolOutcome } from '../types'
import { streamWords } from '../pace'

export type Step
  = | { say: string }
    | { tool: string, input: unknown, render: (outcome: ToolOutcome) => string }

export type Planner = (history: ReplyContext['history']) => Step[]

export function failureText(outcome: ToolOutcome): string {
  if (outcome.status === 'cancelled') return 'The task was cancelled before it finished.'
  return `The task failed: ${outcome.error?.message ?? 'unknown error'}`
}

/** Runs a plan: says each text step word by word, runs each tool step and says its rendering. */
export function planRunner(plan: Planner, wordDelayMs: () => number): AgentRuntime['reply'] {
  return async function* reply(ctx) {
    for (const step of plan(ctx.history)) {
      if (ctx.signal.aborted) return
      const text = 'say' in step ? step.say : step.render(await ctx.runTool(step.tool, step.input))
      yield* streamWords(text, wordDelayMs(), ctx.signal)
    }
  }
}
