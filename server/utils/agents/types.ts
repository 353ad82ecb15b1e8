// What an agent is to the chat service: its public description and a reply stream.
import type { Agent, MessageError, TaskResult, Usage } from '#shared/protocol'

export interface Turn {
  role: 'user' | 'assistant'
  content: string
}

export interface ToolOutcome {
  status: 'completed' | 'failed' | 'cancelled'
  result?: TaskResult
  error?: MessageError
}

export interface ReplyContext {
  /** The conversation so far, oldest first; the last turn is the message to answer. */
  history: Turn[]
  signal: AbortSignal
  /** Starts a task as a tool call (it shows in the task panel) and waits for its outcome. */
  runTool: (kind: string, input: unknown) => Promise<ToolOutcome>
  /** Token counts of the reply, when the agent knows them. */
  reportUsage: (usage: Usage) => void
}

export interface AgentRuntime {
  info: Agent
  /** Task kinds this agent may call as tools. */
  tools: string[]
  /** Yields the reply's text piece by piece; stops early when `signal` aborts. */
  reply: (ctx: ReplyContext) => AsyncIterable<string>
  /** A short title for a topic after its first exchange; null to keep the current one. */
  title?: (history: Turn[], signal: AbortSignal) => Promise<string | null>
}

export interface ProviderLimits {
  /** Fail the reply when the provider sends nothing for this long (first token or mid-stream). */
  silenceTimeoutMs: number
  /** Estimated tokens of history sent to the model. */
  contextTokens: number
}

/** A failure of the agent itself (provider down, bad key): the reply ends as failed with this code. */
export class AgentFailure extends Error {
  constructor(public readonly code: string, message: string) {
    super(message)
    this.name = 'AgentFailure'
  }
}
