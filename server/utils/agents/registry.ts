// The agents people can pick: the built-in ones (no network, always listed) and those of AGENTS_FILE
// whose keys are present.
import type { Agent } from '#shared/protocol'
import { titleFrom } from '../chat/titles'
import { useConfig } from '../config'
import { AppError } from '../errors'
import { planAssistant } from './builtin/assistant'
import { planCodeRunner } from './builtin/code-runner'
import { planRunner, type PlannerContext } from './builtin/plan'
import { agentInfo, agentTools, readAgentsFile, resolveAgent, type ResolvedAgent } from './config'
import type { AgentRuntime, ProviderLimits, Turn } from './types'

const wordDelay = () => useConfig().BUILTIN_WORD_DELAY_MS

/** Offline titles: the first request, as a short phrase. */
async function builtinTitle(history: Turn[]): Promise<string | null> {
  const first = history.find(t => t.role === 'user')?.content
  return first ? titleFrom(first.replace(/^(please|can you|could you|would you)\s+/i, '').replace(/^\w/, c => c.toUpperCase())) : null
}

const builtinAgents: AgentRuntime[] = [
  {
    info: { id: 'assistant', name: 'Assistant', description: 'General helper that works offline: calculates, runs code, summarises and recalls the conversation.', provider: 'builtin', model: 'builtin-assistant' },
    tools: ['calc', 'run-code', 'summarize'],
    reply: planRunner(planAssistant, wordDelay, () => plannerContext()),
    title: builtinTitle,
  },
  {
    info: { id: 'code-runner', name: 'Code Runner', description: 'Runs the JavaScript you send in a sandbox and explains the output or the error.', provider: 'builtin', model: 'quickjs' },
    tools: ['run-code'],
    reply: planRunner(planCodeRunner, wordDelay),
    title: builtinTitle,
  },
]

let configured: AgentRuntime[] = []

/**
 * A model-backed agent whose code loads with its first reply or title: the lean chat completions
 * client for OpenAI-compatible servers, the AI SDK and its providers (~250 ms of start-up to import)
 * for the others.
 */
function lazyProviderAgent(resolved: ResolvedAgent, limits: ProviderLimits): AgentRuntime {
  const { config } = resolved
  let runtime: Promise<AgentRuntime> | undefined
  const load = () => (runtime ??= config.provider === 'openai-compatible'
    ? import('./openai-chat').then(({ openaiChatAgent }) => openaiChatAgent(resolved, limits))
    : import('./provider').then(({ providerAgent }) => providerAgent(resolved, limits)))
  return {
    info: agentInfo(config),
    tools: agentTools(config),
    async* reply(ctx) {
      yield* (await load()).reply(ctx)
    },
    async title(history, signal) {
      return (await (await load()).title?.(history, signal)) ?? null
    },
  }
}

/** What the built-in planners may mention: the model-backed agents that can actually be picked. */
function plannerContext(): PlannerContext {
  return { modelAgents: configured.map(agent => agent.info.name) }
}

/** Reads AGENTS_FILE (a bad file throws ConfigError) and keeps the agents that can run. */
export function initAgents(env: Record<string, string | undefined> = process.env): { loaded: string[], hidden: string[] } {
  const file = useConfig().AGENTS_FILE
  configured = []
  if (!file) return { loaded: [], hidden: [] }
  const hidden: string[] = []
  for (const config of readAgentsFile(file)) {
    if (builtinAgents.some(agent => agent.info.id === config.id)) {
      hidden.push(`${config.id}: the id is taken by a built-in agent`)
      continue
    }
    const resolution = resolveAgent(config, env)
    if (!resolution.ok) {
      hidden.push(`${config.id} (${config.provider}): ${resolution.reason}`)
      continue
    }
    const { PROVIDER_TIMEOUT_SECONDS, CONTEXT_TOKENS } = useConfig()
    configured.push(lazyProviderAgent(resolution.agent, { silenceTimeoutMs: PROVIDER_TIMEOUT_SECONDS * 1000, contextTokens: CONTEXT_TOKENS }))
  }
  return { loaded: configured.map(agent => agent.info.id), hidden }
}

function allAgents(): AgentRuntime[] {
  return [...builtinAgents, ...configured]
}

export const DEFAULT_AGENT_ID = 'assistant'

export function listAgents(): Agent[] {
  return allAgents().map(agent => agent.info)
}

export function findAgent(agentId: string): AgentRuntime | undefined {
  return allAgents().find(agent => agent.info.id === agentId)
}

export function requireAgent(agentId: string): AgentRuntime {
  const agent = findAgent(agentId)
  if (!agent) throw new AppError('agent_unavailable', `Agent "${agentId}" is not available`)
  return agent
}
