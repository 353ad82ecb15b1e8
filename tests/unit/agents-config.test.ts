// AGENTS_FILE validation and how an agent's key and base URL come from the environment.
import { describe, expect, it } from 'vitest'
import { AgentConfig, AgentsFile, parseAgentsFile, resolveAgent } from '../../server/utils/agents/config'
import { ConfigError } from '../../server/utils/config'

const base = { id: 'gpt', name: 'GPT', provider: 'openai', model: 'gpt-4o-mini' } as const

function configError(text: string): ConfigError {
  try {
    parseAgentsFile(text, '/etc/agents.json')
  }
  catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`expected a ConfigError for ${text}`)
}

describe('AgentConfig', () => {
  it('accepts a full entry and a minimal one', () => {
    const full = { ...base, description: 'Fast and cheap', baseURL: 'https://llm.example.com/v1', apiKeyEnv: 'TEAM_OPENAI_KEY', systemPrompt: 'Be brief.', temperature: 0.2, tools: ['calc', 'run-code'] }
    expect(AgentConfig.parse(full)).toEqual(full)
    expect(AgentConfig.parse(base)).toEqual(base)
  })

  it('accepts every provider of the design', () => {
    for (const provider of ['openai', 'anthropic', 'google', 'ollama', 'openai-compatible', 'builtin']) {
      expect(AgentConfig.safeParse({ ...base, provider }).success, provider).toBe(true)
    }
  })

  it.each([
    ['an unknown provider', { provider: 'mystery-ai' }, 'provider'],
    ['an id with spaces', { id: 'my agent' }, 'id'],
    ['an id of 65 characters', { id: 'a'.repeat(65) }, 'id'],
    ['a blank name', { name: '  ' }, 'name'],
    ['a blank model', { model: '' }, 'model'],
    ['a baseURL without its scheme', { baseURL: 'localhost:11434/api' }, 'baseURL'],
    ['a baseURL that is not http(s)', { baseURL: 'ftp://llm.example.com/v1' }, 'baseURL'],
    ['a baseURL that is not a URL', { baseURL: 'the usual one' }, 'baseURL'],
    ['an apiKeyEnv that is not a variable name', { apiKeyEnv: 'sk-live-123' }, 'apiKeyEnv'],
    ['a temperature above 2', { temperature: 2.5 }, 'temperature'],
    ['tools that are not a list', { tools: 'calc' }, 'tools'],
  ])('rejects %s', (_what, change, field) => {
    const result = AgentConfig.safeParse({ ...base, ...change })
    expect(result.success).toBe(false)
    expect(result.error!.issues[0]!.path).toEqual([field])
  })

  it('requires id, name, provider and model', () => {
    for (const field of ['id', 'name', 'provider', 'model'] as const) {
      const { [field]: _, ...rest } = base
      expect(AgentConfig.safeParse(rest).success, field).toBe(false)
    }
  })
})

describe('AgentsFile', () => {
  it('is a list of agents with distinct ids', () => {
    expect(AgentsFile.parse([base, { ...base, id: 'claude', provider: 'anthropic' }])).toHaveLength(2)
    expect(AgentsFile.parse([])).toEqual([])
    const duplicate = AgentsFile.safeParse([base, { ...base, id: 'other' }, { ...base, name: 'Again' }])
    expect(duplicate.success).toBe(false)
    expect(duplicate.error!.issues).toEqual([expect.objectContaining({ path: [2, 'id'], message: 'duplicate id "gpt"' })])
  })
})

describe('parseAgentsFile', () => {
  it('returns the agents of a valid file', () => {
    expect(parseAgentsFile(JSON.stringify([base]), '/etc/agents.json')).toEqual([base])
  })

  it('names AGENTS_FILE, the file and the place of the problem, on one line', () => {
    const cases: Array<[string, RegExp]> = [
      ['[{"id": "gpt",', /^Invalid configuration: AGENTS_FILE \/etc\/agents\.json is not valid JSON \(.+\)$/],
      ['', /^Invalid configuration: AGENTS_FILE \/etc\/agents\.json is not valid JSON/],
      [JSON.stringify(base), /^Invalid configuration: AGENTS_FILE \/etc\/agents\.json at \[\]: /],
      [JSON.stringify([base, { ...base, provider: 'mystery-ai' }]), /^Invalid configuration: AGENTS_FILE \/etc\/agents\.json at \[1\.provider\]: /],
      [JSON.stringify([base, base]), /^Invalid configuration: AGENTS_FILE \/etc\/agents\.json at \[1\.id\]: duplicate id "gpt"$/],
      [JSON.stringify([{ ...base, model: undefined }]), /^Invalid configuration: AGENTS_FILE \/etc\/agents\.json at \[0\.model\]: /],
    ]
    for (const [text, message] of cases) {
      const error = configError(text)
      expect(error.message, text).toMatch(message)
      expect(error.message, text).not.toContain('\n')
    }
  })
})

describe('resolveAgent', () => {
  it('takes the key and base URL of each provider from its conventional variables', () => {
    const env = {
      OPENAI_API_KEY: ' sk-openai ', OPENAI_BASE_URL: 'http://openai.local/v1',
      ANTHROPIC_API_KEY: 'sk-ant', ANTHROPIC_BASE_URL: 'http://anthropic.local/v1',
      GOOGLE_GENERATIVE_AI_API_KEY: 'AIza-1', GOOGLE_GENERATIVE_AI_BASE_URL: 'http://gemini.local/v1beta',
      OLLAMA_BASE_URL: 'http://ollama.local/api',
    }
    expect(resolveAgent({ ...base, provider: 'openai' }, env)).toEqual({ ok: true, agent: { config: { ...base, provider: 'openai' }, apiKey: 'sk-openai', baseURL: 'http://openai.local/v1' } })
    expect(resolveAgent({ ...base, provider: 'anthropic' }, env)).toMatchObject({ ok: true, agent: { apiKey: 'sk-ant', baseURL: 'http://anthropic.local/v1' } })
    expect(resolveAgent({ ...base, provider: 'google' }, env)).toMatchObject({ ok: true, agent: { apiKey: 'AIza-1', baseURL: 'http://gemini.local/v1beta' } })
    expect(resolveAgent({ ...base, provider: 'ollama' }, env)).toEqual({ ok: true, agent: { config: { ...base, provider: 'ollama' }, apiKey: undefined, baseURL: 'http://ollama.local/api' } })
  })

  it('leaves the base URL to the SDK default when nothing sets it', () => {
    expect(resolveAgent(base, { OPENAI_API_KEY: 'sk-1' })).toMatchObject({ ok: true, agent: { baseURL: undefined } })
    expect(resolveAgent({ ...base, provider: 'ollama' }, {})).toMatchObject({ ok: true, agent: { apiKey: undefined, baseURL: undefined } })
  })

  it('prefers the entry\'s own baseURL to the environment\'s', () => {
    const result = resolveAgent({ ...base, baseURL: 'http://mine.local/v1' }, { OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://theirs.local/v1' })
    expect(result).toMatchObject({ ok: true, agent: { baseURL: 'http://mine.local/v1' } })
  })

  it('hides an agent whose key is missing or blank, naming the variable and never a value', () => {
    expect(resolveAgent(base, {})).toEqual({ ok: false, reason: 'OPENAI_API_KEY is not set' })
    expect(resolveAgent(base, { OPENAI_API_KEY: '   ' })).toEqual({ ok: false, reason: 'OPENAI_API_KEY is not set' })
    expect(resolveAgent({ ...base, provider: 'anthropic' }, { OPENAI_API_KEY: 'sk-1' })).toEqual({ ok: false, reason: 'ANTHROPIC_API_KEY is not set' })
    expect(resolveAgent({ ...base, provider: 'google' }, {})).toEqual({ ok: false, reason: 'GOOGLE_GENERATIVE_AI_API_KEY is not set' })
  })

  it('uses apiKeyEnv instead of the conventional variable', () => {
    const config = { ...base, apiKeyEnv: 'TEAM_OPENAI_KEY' }
    expect(resolveAgent(config, { TEAM_OPENAI_KEY: 'sk-team', OPENAI_API_KEY: 'sk-default' })).toMatchObject({ ok: true, agent: { apiKey: 'sk-team' } })
    expect(resolveAgent(config, { OPENAI_API_KEY: 'sk-default' })).toEqual({ ok: false, reason: 'TEAM_OPENAI_KEY is not set' })
  })

  it('needs no key for ollama and openai-compatible, unless apiKeyEnv asks for one', () => {
    const compatible = { ...base, provider: 'openai-compatible' as const, baseURL: 'http://vllm.local/v1' }
    expect(resolveAgent(compatible, {})).toMatchObject({ ok: true, agent: { apiKey: undefined, baseURL: 'http://vllm.local/v1' } })
    expect(resolveAgent({ ...compatible, apiKeyEnv: 'VLLM_KEY' }, {})).toEqual({ ok: false, reason: 'VLLM_KEY is not set' })
    expect(resolveAgent({ ...compatible, apiKeyEnv: 'VLLM_KEY' }, { VLLM_KEY: 'k-1' })).toMatchObject({ ok: true, agent: { apiKey: 'k-1' } })
    expect(resolveAgent({ ...base, provider: 'ollama', apiKeyEnv: 'OLLAMA_PROXY_KEY' }, {})).toEqual({ ok: false, reason: 'OLLAMA_PROXY_KEY is not set' })
  })

  it('needs a baseURL for openai-compatible, and never runs a built-in entry', () => {
    expect(resolveAgent({ ...base, provider: 'openai-compatible' }, { OPENAI_BASE_URL: 'http://openai.local/v1' })).toEqual({ ok: false, reason: 'an openai-compatible agent needs a baseURL' })
    expect(resolveAgent({ ...base, provider: 'builtin' }, {})).toEqual({ ok: false, reason: 'built-in agents are not configured in AGENTS_FILE' })
  })
})
