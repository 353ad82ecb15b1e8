import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../server/utils/config'

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env)
  }
  catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`)
}

describe('parseConfig: defaults', () => {
  it('works with no configuration at all', () => {
    expect(parseConfig({})).toMatchObject({
      DATA_DIR: './.data',
      SESSION_TIMEOUT_MINUTES: 1440,
      BUILTIN_WORD_DELAY_MS: 35,
      TASK_TIMEOUT_SECONDS: 20,
      PROVIDER_TIMEOUT_SECONDS: 60,
      CONTEXT_TOKENS: 16_000,
    })
  })

  it('leaves the optional services unset, meaning embedded database and in-process bus', () => {
    const config = parseConfig({})
    expect(config.DATABASE_URL).toBeUndefined()
    expect(config.REDIS_URL).toBeUndefined()
    expect(config.SESSION_SECRET).toBeUndefined()
    expect(config.AGENTS_FILE).toBeUndefined()
  })

  it('counts an empty string as unset', () => {
    expect(parseConfig({
      DATA_DIR: '',
      DATABASE_URL: '',
      REDIS_URL: '',
      SESSION_TIMEOUT_MINUTES: '',
      SESSION_SECRET: '',
      AGENTS_FILE: '',
    })).toEqual(parseConfig({}))
  })

  it('ignores unrelated variables of the environment', () => {
    const config = parseConfig({ PATH: '/usr/bin', HOME: '/root', PORT: '3000', SESSION_TIMEOUT_MINUTES: '5' })
    expect(config).not.toHaveProperty('PATH')
    expect(config.SESSION_TIMEOUT_MINUTES).toBe(5)
  })
})

describe('parseConfig: SESSION_TIMEOUT_MINUTES', () => {
  it.each([['0.01', 0.01], ['1.5', 1.5], ['30', 30], [' 2 ', 2]])('accepts %j as %d', (raw, value) => {
    expect(parseConfig({ SESSION_TIMEOUT_MINUTES: raw }).SESSION_TIMEOUT_MINUTES).toBe(value)
  })

  it.each(['0', '-5', 'abc', 'ten', 'Infinity', '1,5', '   '])('rejects %j and names the variable', (raw) => {
    const error = configError({ SESSION_TIMEOUT_MINUTES: raw })
    expect(error.message).toContain('SESSION_TIMEOUT_MINUTES')
    expect(error.message).toContain(JSON.stringify(raw))
    expect(error.message).not.toContain('\n')
  })
})

describe('parseConfig: service URLs', () => {
  it.each(['postgres://user:pw@db:5432/chat', 'postgresql://db/chat'])('accepts DATABASE_URL %s', (url) => {
    expect(parseConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url)
  })

  it.each(['mysql://db/chat', 'db:5432', 'http://postgres/x'])('rejects DATABASE_URL %s', (url) => {
    const error = configError({ DATABASE_URL: url })
    expect(error.message).toMatch(/^Invalid configuration: DATABASE_URL /)
    expect(error.message).toContain('postgres://')
  })

  it.each(['redis://localhost:6379', 'rediss://cache.example.com:6380/0'])('accepts REDIS_URL %s', (url) => {
    expect(parseConfig({ REDIS_URL: url }).REDIS_URL).toBe(url)
  })

  it.each(['localhost:6379', 'http://redis', 'postgres://redis'])('rejects REDIS_URL %s', (url) => {
    expect(configError({ REDIS_URL: url }).message).toMatch(/^Invalid configuration: REDIS_URL /)
  })

  it.each(['OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL', 'GOOGLE_GENERATIVE_AI_BASE_URL', 'OLLAMA_BASE_URL'])('accepts an http(s) %s and rejects anything else', (name) => {
    expect(parseConfig({ [name]: 'http://127.0.0.1:11434/api' })).toMatchObject({ [name]: 'http://127.0.0.1:11434/api' })
    for (const bad of ['localhost:11434/api', 'ftp://models.example', 'not a url']) {
      expect(configError({ [name]: bad }).message).toMatch(new RegExp(`^Invalid configuration: ${name} must be an http\\(s\\) URL`))
    }
  })
})

describe('parseConfig: other variables', () => {
  it('requires a SESSION_SECRET of at least 32 characters', () => {
    expect(parseConfig({ SESSION_SECRET: 's'.repeat(32) }).SESSION_SECRET).toBe('s'.repeat(32))
    expect(configError({ SESSION_SECRET: 's'.repeat(31) }).message).toContain('SESSION_SECRET')
  })

  it('validates BUILTIN_WORD_DELAY_MS as a whole number of milliseconds up to 5000', () => {
    expect(parseConfig({ BUILTIN_WORD_DELAY_MS: '0' }).BUILTIN_WORD_DELAY_MS).toBe(0)
    for (const raw of ['-1', '1.5', '5001', 'fast']) expect(configError({ BUILTIN_WORD_DELAY_MS: raw }).message).toContain('BUILTIN_WORD_DELAY_MS')
  })

  it('validates TASK_TIMEOUT_SECONDS as a positive number', () => {
    expect(parseConfig({ TASK_TIMEOUT_SECONDS: '0.5' }).TASK_TIMEOUT_SECONDS).toBe(0.5)
    expect(configError({ TASK_TIMEOUT_SECONDS: '0' }).message).toContain('TASK_TIMEOUT_SECONDS')
  })

  it('keeps DATA_DIR and AGENTS_FILE, trimmed', () => {
    const config = parseConfig({ DATA_DIR: ' /var/lib/chat ', AGENTS_FILE: './agents.json' })
    expect(config).toMatchObject({ DATA_DIR: '/var/lib/chat', AGENTS_FILE: './agents.json' })
  })

  it('names the variable that is wrong when only one of several is', () => {
    const error = configError({ DATABASE_URL: 'postgres://db/x', REDIS_URL: 'redis://r', SESSION_TIMEOUT_MINUTES: 'soon' })
    expect(error.message).toContain('SESSION_TIMEOUT_MINUTES')
    expect(error.message).not.toContain('DATABASE_URL')
  })
})

describe('parseConfig: secrets stay out of the message', () => {
  it.each([
    ['SESSION_SECRET', 'short-but-secret-value'],
    ['DATABASE_URL', 'mysql://admin:hunter2@db/chat'],
    ['REDIS_URL', 'http://:hunter2@cache'],
    ['OPENAI_BASE_URL', 'ftp://user:hunter2@models'],
  ])('%s: names the variable, never echoes the value', (name, value) => {
    const error = configError({ [name]: value })
    expect(error.message).toContain(name)
    expect(error.message).toContain('(value not shown)')
    expect(error.message).not.toContain('hunter2')
    expect(error.message).not.toContain(value)
  })

  it('still shows the value of a variable that cannot be secret', () => {
    expect(configError({ WS_RATE_BURST: 'lots' }).message).toContain('"lots"')
  })
})

describe('parseConfig: limits and origins', () => {
  it('has the documented defaults', () => {
    expect(parseConfig({})).toMatchObject({
      WS_RATE_PER_SECOND: 20,
      WS_RATE_BURST: 40,
      WS_MAX_SOCKETS_PER_USER: 16,
      SENDS_PER_MINUTE: 30,
      SEARCHES_PER_MINUTE: 60,
      IMPORTS_PER_MINUTE: 5,
      REPLIES_PER_USER: 3,
      TASKS_PER_USER: 8,
      TOPICS_PER_USER: 1000,
      GUESTS_PER_MINUTE_PER_IP: 30,
      TRUST_PROXY: false,
      ALLOWED_ORIGINS: [],
    })
  })

  it.each(['0', '-3', '2.5', 'many'])('rejects WS_MAX_SOCKETS_PER_USER=%j', (raw) => {
    expect(configError({ WS_MAX_SOCKETS_PER_USER: raw }).message).toMatch(/^Invalid configuration: WS_MAX_SOCKETS_PER_USER /)
  })

  it('raises a limit by env (benchmarks do)', () => {
    expect(parseConfig({ WS_RATE_PER_SECOND: '100000', WS_RATE_BURST: '100000' })).toMatchObject({ WS_RATE_PER_SECOND: 100000, WS_RATE_BURST: 100000 })
  })

  it('reads PUBLIC_ORIGIN and ALLOWED_ORIGINS as exact origins', () => {
    const config = parseConfig({ PUBLIC_ORIGIN: 'https://chat.example.com', ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:3000/' })
    expect(config.PUBLIC_ORIGIN).toBe('https://chat.example.com')
    expect(config.ALLOWED_ORIGINS).toEqual(['https://a.example.com', 'http://localhost:3000'])
    expect(configError({ PUBLIC_ORIGIN: 'https://chat.example.com/app' }).message).toContain('PUBLIC_ORIGIN')
    expect(configError({ ALLOWED_ORIGINS: 'https://ok.example.com,not an origin' }).message).toMatch(/ALLOWED_ORIGINS has "not an origin"/)
  })

  it.each([['1', true], ['true', true], ['0', false], ['no', false]])('TRUST_PROXY=%j is %s', (raw, value) => {
    expect(parseConfig({ TRUST_PROXY: raw }).TRUST_PROXY).toBe(value)
  })
})
