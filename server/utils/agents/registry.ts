// The agents people can pick. The built-in ones need no network and are always listed.
import type { Agent } from '#shared/protocol'
import { useConfig } from '../config'
import { AppError } from '../errors'
import { planAssistant } from './builtin/assistant'
import { planCodeRunner } from './builtin/code-runner'
import { planRunner } from './builtin/plan'
import type { AgentRuntime } from './types'

const wordDelay = () => useConfig().BUILTIN_WORD_DELAY_MS

const builtinAgents: AgentRuntime[] = [
  {
    info: { id: 'assistant', name: 'Assistant', description: 'General helper that works offline: calculates, runs code, summarises and recalls the conversation.', provider: 'builtin', model: 'builtin-assistant' },
    tools: ['calc', 'run-code', 'summarize'],
    reply: planRunner(planAssistant, wordDelay),
  },
  {
    info: { id: 'code-runner', name: 'Code Runner', description: 'Runs the JavaScript you send in a sandbox and explains the output or the error.', provider: 'builtin', model: 'quickjs' },
    tools: ['run-code'],
    reply: planRunner(planCodeRunner, wordDelay),
  },
]

export const DEFAULT_AGENT_ID = 'assistant'

export function listAgents(): Agent[] {
  return builtinAgents.map(agent => agent.info)
}

export function findAgent(agentId: string): AgentRuntime | undefined {
  return builtinAgents.find(agent => agent.info.id === agentId)
}

export function requireAgent(agentId: string): AgentRuntime {
  const agent = findAgent(agentId)
  if (!agent) throw new AppError('agent_unavailable', `Agent "${agentId}" is not available`)
  return agent
}
