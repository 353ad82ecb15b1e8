// Environment configuration, validated once. A bad value stops the start with one line naming the variable.
import { z } from 'zod'

const optionalString = z.string().trim().min(1).optional()
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()
const positiveNumber = z.coerce.number().refine(n => Number.isFinite(n) && n > 0, 'must be a positive number')

const EnvSchema = z.object({
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  DATABASE_URL: z.string().trim().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  REDIS_URL: z.string().trim().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  SESSION_TIMEOUT_MINUTES: positiveNumber.default(1440),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AGENTS_FILE: optionalString,
  // Provider base URLs (keys are read where the agents are built, never kept in the config).
  OPENAI_BASE_URL: httpUrl,
  ANTHROPIC_BASE_URL: httpUrl,
  GOOGLE_GENERATIVE_AI_BASE_URL: httpUrl,
  OLLAMA_BASE_URL: httpUrl,
  // How long the built-in agents wait between words, in milliseconds (0 in some tests).
  BUILTIN_WORD_DELAY_MS: z.coerce.number().int().min(0).max(5000).default(35),
  // Time limit for one task run, in seconds.
  TASK_TIMEOUT_SECONDS: positiveNumber.default(20),
  // A provider reply fails as `timeout` when nothing arrives for this long.
  PROVIDER_TIMEOUT_SECONDS: positiveNumber.default(60),
  // Estimated tokens of conversation history sent to a model (oldest turns are dropped first).
  CONTEXT_TOKENS: z.coerce.number().int().min(500).max(2_000_000).default(16_000),
})

export type AppConfig = z.infer<typeof EnvSchema>

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty variable counts as unset, as in most twelve-factor apps.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(present)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const name = String(issue.path[0])
  throw new ConfigError(`Invalid configuration: ${name} ${issue.message} (got ${JSON.stringify(present[name])})`)
}

let cached: AppConfig | undefined

export function useConfig(): AppConfig {
  cached ??= parseConfig(process.env)
  return cached
}
