// AGENTS_FILE: the model-backed agents an operator configures, validated with zod. Keys come from
// the environment only (never from the file), and an agent whose key is missing is hidden.
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { Provider, type Agent } from '#shared/protocol'
import { ConfigError } from '../config'
import { getTaskKind } from '../tasks/kinds'

export const AgentConfig = z.object({
  id: z.string().regex(/^[\w.:-]{1,64}$/, 'must be 1-64 letters, digits, _ . : or -'),
  name: z.string().trim().min(1).max(60),
  description: z.string().max(300).optional(),
  provider: Provider,
  model: z.string().trim().min(1).max(200),
  // z.url() alone takes "localhost:11434" (scheme "localhost:"), which the SDK cannot fetch.
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name').optional(),
  systemPrompt: z.string().max(20_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  tools: z.array(z.string()).optional(),
})
export type AgentConfig = z.infer<typeof AgentConfig>

export const AgentsFile = z.array(AgentConfig).superRefine((agents, ctx) => {
  const seen = new Set<string>()
  agents.forEach((agent, index) => {
    if (seen.has(agent.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate id "${agent.id}"` })
    seen.add(agent.id)
  })
})

const defaultKeyEnv: Partial<Record<AgentConfig['provider'], string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  google: 'GOOGLE_GENERATIVE_AI_API_KEY',
}

const defaultBaseEnv: Partial<Record<AgentConfig['provider'], string>> = {
  openai: 'OPENAI_BASE_URL',
  anthropic: 'ANTHROPIC_BASE_URL',
  google: 'GOOGLE_GENERATIVE_AI_BASE_URL',
  ollama: 'OLLAMA_BASE_URL',
}

/** What the agent list shows of a configured agent. */
export function agentInfo(config: AgentConfig): Agent {
  return { id: config.id, name: config.name, description: config.description ?? `${config.model} via ${config.provider}`, provider: config.provider, model: config.model }
}

/** The task kinds of the agent's `tools` that exist (an unknown name is ignored). */
export function agentTools(config: AgentConfig): string[] {
  return (config.tools ?? []).filter(kind => getTaskKind(kind))
}

export interface ResolvedAgent {
  config: AgentConfig
  apiKey?: string
  baseURL?: string
}

export type Resolution = { ok: true, agent: ResolvedAgent } | { ok: false, reason: string }

/** The key and base URL of an agent from the environment, or why it cannot run. */
export function resolveAgent(config: AgentConfig, env: Record<string, string | undefined>): Resolution {
  const keyEnv = config.apiKeyEnv ?? defaultKeyEnv[config.provider]
  const apiKey = keyEnv ? env[keyEnv]?.trim() || undefined : undefined
  if (keyEnv && !apiKey && config.provider !== 'openai-compatible' && config.provider !== 'ollama') {
    return { ok: false, reason: `${keyEnv} is not set` }
  }
  if (config.apiKeyEnv && !apiKey) return { ok: false, reason: `${config.apiKeyEnv} is not set` }
  const baseEnv = defaultBaseEnv[config.provider]
  const baseURL = config.baseURL ?? (baseEnv ? env[baseEnv]?.trim() || undefined : undefined)
  if (config.provider === 'openai-compatible' && !baseURL) return { ok: false, reason: 'an openai-compatible agent needs a baseURL' }
  if (config.provider === 'builtin') return { ok: false, reason: 'built-in agents are not configured in AGENTS_FILE' }
  return { ok: true, agent: { config, apiKey, baseURL } }
}

export function parseAgentsFile(text: string, source: string): AgentConfig[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  }
  catch (error) {
    throw new ConfigError(`Invalid configuration: AGENTS_FILE ${source} is not valid JSON (${(error as Error).message})`)
  }
  const parsed = AgentsFile.safeParse(data)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  throw new ConfigError(`Invalid configuration: AGENTS_FILE ${source} at [${issue.path.join('.')}]: ${issue.message}`)
}

export function readAgentsFile(path: string): AgentConfig[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  }
  catch (error) {
    throw new ConfigError(`Invalid configuration: AGENTS_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: ${path})`)
  }
  return parseAgentsFile(text, path)
}
