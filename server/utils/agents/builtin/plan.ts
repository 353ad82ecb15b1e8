// Built-in agents compose a reply as a plan: text to say and tools to call, each tool's outcome
// rendered into the text that follows. The plan is plain data, so it is easy to test.
import type { AgentRuntime, ReplyContext, ToolOutcome } from '../types'
import { streamWords } from '../pace'

export type Step
  = | { say: string }
    | { tool: string, input: unknown, render: (outcome: ToolOutcome) => string }

/** What a planner may know beyond the conversation. */
export interface PlannerContext {
  /** Names of the model-backed agents this topic could switch to; empty when none is configured. */
  modelAgents: string[]
}

export const NO_MODEL_AGENTS: PlannerContext = { modelAgents: [] }

export type Planner = (history: ReplyContext['history'], context: PlannerContext) => Step[]

export function failureText(outcome: ToolOutcome): string {
  if (outcome.status === 'cancelled') return 'The task was cancelled before it finished.'
  // Refused by the queue (too many tasks of this user): nothing ran.
  if (outcome.error?.code === 'rate_limited') return `The task was not started: ${outcome.error.message}`
  return `The task failed: ${outcome.error?.message ?? 'unknown error'}`
}

/**
 * Runs a plan: says each text step word by word, runs each tool step and says its rendering.
 * `context` is asked at every reply, so agents configured later are known.
 */
export function planRunner(plan: Planner, wordDelayMs: () => number, context: () => PlannerContext = () => NO_MODEL_AGENTS): AgentRuntime['reply'] {
  return async function* reply(ctx) {
    for (const step of plan(ctx.history, context())) {
      if (ctx.signal.aborted) return
      const text = 'say' in step ? step.say : step.render(await ctx.runTool(step.tool, step.input))
      yield* streamWords(text, wordDelayMs(), ctx.signal)
    }
  }
}
