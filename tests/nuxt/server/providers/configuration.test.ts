// Operator configuration of model-backed agents: a small CONTEXT_TOKENS drops the oldest turns first
// and keeps the system prompt; agents whose key is missing are hidden with one log line each naming
// the variable; a bad AGENTS_FILE stops the start with one line naming AGENTS_FILE.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import { chat, clientId } from '../helpers'
import { agentId, formatNames, formats, requestsFor, routes, startProviderServer, textReply, writeAgentsFile, type AgentEntry, type FormatName, type ProviderServer } from './fakes'

// 200 characters: about 54 estimated tokens. Every turn below is 400 characters, about 104 tokens,
// so with CONTEXT_TOKENS=500 the system prompt and three turns fit, not four.
const SYSTEM_PROMPT = 'You are the context-window test agent. Keep answers short and do not repeat the question. '.padEnd(200, '.')
const pad = (text: string) => text.padEnd(400, ' x')
const question = (name: FormatName, n: number) => pad(`[ctx] question ${n} for ${name}:`)
const answer = (n: number) => pad(`Answer ${n}:`)

const hiddenAgents: AgentEntry[] = [
  { id: 'hidden-openai', name: 'Hidden OpenAI', provider: 'openai', model: 'gpt-hidden', apiKeyEnv: 'MISSING_OPENAI_KEY' },
  { id: 'hidden-anthropic', name: 'Hidden Anthropic', provider: 'anthropic', model: 'claude-hidden', apiKeyEnv: 'BLANK_ANTHROPIC_KEY' },
  { id: 'hidden-google', name: 'Hidden Gemini', provider: 'google', model: 'gemini-hidden', apiKeyEnv: 'MISSING_GEMINI_KEY' },
  { id: 'hidden-compatible', name: 'Hidden Compatible', provider: 'openai-compatible', model: 'chat-hidden', baseURL: 'http://127.0.0.1:9/v1', apiKeyEnv: 'MISSING_COMPAT_KEY' },
]

let app: ProviderServer

beforeAll(async () => {
  app = await startProviderServer({
    systemPrompt: SYSTEM_PROMPT,
    env: { CONTEXT_TOKENS: '500', BLANK_ANTHROPIC_KEY: '   ' },
    extraAgents: hiddenAgents,
    route: routes({
      ctx: (_r, { format, turns }) => {
        const n = Number(/question (\d+)/.exec(turns.filter(t => t.role === 'user').at(-1)!.text)![1])
        return { stream: textReply(format, [answer(n)]), everyMs: 1 }
      },
    }),
  })
})

afterAll(async () => {
  await app?.stop()
})

describe.concurrent.each(formatNames)('%s, CONTEXT_TOKENS=500', (name: FormatName) => {
  it('drops the oldest turns first and keeps the system prompt', async ({ expect }) => {
    const format = formats[name]
    const { client } = await app.guest()
    let topicId: string | null = null
    for (let n = 1; n <= 4; n++) {
      const { message, topicId: id } = await chat(client, question(name, n), { agentId: agentId(name), topicId })
      expect(message.content).toBe(answer(n))
      topicId = id
    }
    const sent = (n: number) => format.turns(requestsFor(app.fakes[name], question(name, n))[0]!.body)
    const turn = (role: 'user' | 'assistant', n: number) => ({ role, text: role === 'user' ? question(name, n) : answer(n) })
    const system = { role: 'system', text: SYSTEM_PROMPT }

    // Everything still fits at the second question…
    expect(sent(2)).toEqual([system, turn('user', 1), turn('assistant', 1), turn('user', 2)])
    // …then the oldest exchange goes first, and the conversation still opens with a user turn.
    expect(sent(3)).toEqual([system, turn('user', 2), turn('assistant', 2), turn('user', 3)])
    expect(sent(4)).toEqual([system, turn('user', 3), turn('assistant', 3), turn('user', 4)])
  })
})

describe('agents whose key is missing', () => {
  it('are not offered, cannot be used, and each gets one log line naming its variable', async () => {
    const { client, ready } = await app.guest()
    const ids = ready.agents.map(a => a.id)
    expect(ids).toEqual(['assistant', 'code-runner', ...formatNames.map(agentId)])
    for (const hidden of hiddenAgents) expect(ids).not.toContain(hidden.id)

    const lines = app.server.logs.join('').split('\n')
    const hiddenLines = lines.filter(line => line.includes('[agents] hidden'))
    expect(hiddenLines).toHaveLength(hiddenAgents.length)
    for (const hidden of hiddenAgents) {
      const mentions = lines.filter(line => line.includes(hidden.id))
      expect(mentions, hidden.id).toHaveLength(1)
      expect(mentions[0], hidden.id).toContain(`${hidden.apiKeyEnv} is not set`)
    }
    expect(lines.find(line => line.includes('model-backed agents:'))).toContain(formatNames.map(agentId).join(', '))

    const id = clientId()
    client.send('message.send', { topicId: null, agentId: 'hidden-openai', text: 'hello?', clientMessageId: clientId() }, id)
    const error = await client.nextOf('error', p => p.requestId === id)
    expect(error.code).toBe('agent_unavailable')
  })
})

interface Exit {
  code: number | null
  output: string
}

/** Starts the built server with this env and waits for it to exit (it must, within 60 s: a loaded machine is slow). */
function runToExit(env: Record<string, string>): Promise<Exit> {
  const { serverEntry, runDir, root } = inject('serverTests')
  const dataDir = mkdtempSync(join(runDir, 'bad-agents-'))
  const child = spawn(process.execPath, [serverEntry], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`the server did not stop on a bad AGENTS_FILE:\n${output}`))
    }, 60_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      done({ code, output })
    })
  })
}

const agent = { id: 'good', name: 'Good', provider: 'openai', model: 'gpt-x' }

describe.concurrent('a bad AGENTS_FILE', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['invalid JSON', () => writeAgentsFile('[{"id": "good", "name": "Good",'), /^Invalid configuration: AGENTS_FILE \S+ is not valid JSON \(.+\)$/],
    ['an unknown provider', () => writeAgentsFile(JSON.stringify([agent, { ...agent, id: 'odd', provider: 'mystery-ai' }])), /^Invalid configuration: AGENTS_FILE \S+ at \[1\.provider\]: .*"openai"/],
    ['a duplicate id', () => writeAgentsFile(JSON.stringify([agent, { ...agent, name: 'Again' }])), /^Invalid configuration: AGENTS_FILE \S+ at \[1\.id\]: duplicate id "good"$/],
    ['a missing field', () => writeAgentsFile(JSON.stringify([{ id: 'good', name: 'Good', provider: 'openai' }])), /^Invalid configuration: AGENTS_FILE \S+ at \[0\.model\]: /],
    ['not a list', () => writeAgentsFile(JSON.stringify(agent)), /^Invalid configuration: AGENTS_FILE \S+ at \[\]: /],
    ['a file that is not there', () => '/nonexistent/agents.json', /^Invalid configuration: AGENTS_FILE cannot be read \(ENOENT: \/nonexistent\/agents\.json\)$/],
  ]
  it.each(cases)('%s stops the start with one line naming AGENTS_FILE', async (_what, file, line) => {
    const { code, output } = await runToExit({ AGENTS_FILE: file(), OPENAI_API_KEY: 'sk-fake-unused-0000' })
    expect(code).not.toBe(0)
    expect(code).not.toBeNull()
    const lines = output.split('\n').filter(l => l.trim())
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(line)
    expect(output).not.toContain('sk-fake-unused-0000')
  }, 90_000)
})

describe('secrets', () => {
  it('never shows a provider key in the server output or in any frame', () => {
    expect(app.leakedKeys()).toEqual([])
  })
})
