// Environment configuration, validated once. A bad value stops the start with one line naming the
// variable; the value itself is echoed only for variables that cannot hold a secret.
import { z } from 'zod'

const optionalString = z.string().trim().min(1).optional()
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()
const positiveNumber = z.coerce.number().refine(n => Number.isFinite(n) && n > 0, 'must be a positive number')
const count = (fallback: number, max = 1_000_000) => z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`).default(fallback)
const flag = z.enum(['0', '1', 'true', 'false', 'yes', 'no'], { error: 'must be 1 or 0' }).transform(v => ['1', 'true', 'yes'].includes(v)).default(false)
/** An origin: scheme, host and port, nothing else (https://chat.example.com, http://localhost:3000). */
function originOf(value: string): string | null {
  try {
    const url = new URL(value)
    return /^https?:$/.test(url.protocol) && url.origin === value.replace(/\/$/, '') ? url.origin : null
  }
  catch {
    return null
  }
}
const origin = z.string().trim()
  .refine(value => originOf(value) !== null, 'must be an origin only: http(s)://host[:port], no path')
  .transform(value => originOf(value)!)
const originList = z.string().transform((value, ctx) => {
  const items = value.split(',').map(item => item.trim()).filter(Boolean)
  const parsed = items.map(item => origin.safeParse(item))
  const bad = parsed.findIndex(result => !result.success)
  if (bad >= 0) {
    ctx.addIssue({ code: 'custom', message: `has "${items[bad]}", which is not an origin (scheme://host[:port])` })
    return z.NEVER
  }
  return parsed.map(result => result.data!)
}).default([])

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
  // How long a deleted topic or message can be restored (undo); it is purged for good after that.
  UNDO_SECONDS: count(10, 86_400),

  // --- Several instances (docs/deploy.md) ---
  DATABASE_POOL_SIZE: count(10, 500),
  // Every key and channel in Redis starts with this: deployments (and tests) can share one Redis.
  REDIS_PREFIX: z.string().trim().min(1).max(64).regex(/^[\w:.-]+$/, 'may hold letters, digits and _ : . - only').default('agent-chat:'),
  // Names this process in heartbeats and logs; default host name and pid.
  INSTANCE_ID: z.string().trim().min(1).max(100).optional(),
  // all: pages, sockets and task workers; web: no task workers; worker: task workers only.
  APP_ROLE: z.enum(['all', 'web', 'worker'], { error: 'must be all, web or worker' }).default('all'),
  // On SIGTERM, how long running replies may go on before they end as interrupted.
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(600).default(10),

  // --- Who may connect (docs/security.md) ---
  // The app's public origin when it differs from what the requests say (behind a proxy).
  PUBLIC_ORIGIN: origin.optional(),
  // More origins whose pages may open the socket (comma-separated).
  ALLOWED_ORIGINS: originList,
  // Believe X-Forwarded-Proto/Host/For from the proxy in front (only behind a proxy you run).
  TRUST_PROXY: flag,

  // --- Limits (docs/security.md lists them with their defaults) ---
  WS_RATE_PER_SECOND: positiveNumber.default(20),
  WS_RATE_BURST: count(40),
  WS_MAX_SOCKETS_PER_USER: count(16),
  WS_SEND_BUFFER_BYTES: count(4 * 1024 * 1024, 1024 * 1024 * 1024),
  SENDS_PER_MINUTE: count(30),
  REPLIES_PER_USER: count(3),
  REPLY_MAX_CHARS: count(100_000, 10_000_000),
  TOPICS_PER_USER: count(1000),
  // The largest file POST /api/import accepts, in bytes (10 MiB).
  IMPORT_MAX_BYTES: count(10 * 1024 * 1024, 1024 * 1024 * 1024),
  // Searches (GET /api/search) and imports (POST /api/import) per user per minute.
  SEARCHES_PER_MINUTE: count(60),
  IMPORTS_PER_MINUTE: count(5),
  TASKS_PER_USER: count(8),
  TASK_CONCURRENCY: count(4, 256),
  TASK_QUEUE_TIMEOUT_SECONDS: positiveNumber.default(60),
  TASK_OUTPUT_MAX_CHARS: count(16_000, 1_000_000),
  GUESTS_PER_MINUTE_PER_IP: count(30),
  AUTH_ATTEMPTS_PER_MINUTE_PER_IP: count(10),
})

export type AppConfig = z.infer<typeof EnvSchema>

export class ConfigError extends Error {}

/** Variables whose value may be a secret (a key, a password, a URL with credentials): never echoed. */
const SECRET_NAME = /SECRET|KEY|TOKEN|PASSWORD|_URL$/

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty variable counts as unset, as in most twelve-factor apps.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(present)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const name = String(issue.path[0])
  const shown = SECRET_NAME.test(name) ? '(value not shown)' : `(got ${JSON.stringify(present[name])})`
  throw new ConfigError(`Invalid configuration: ${name} ${issue.message} ${shown}`)
}

let cached: AppConfig | undefined

export function useConfig(): AppConfig {
  cached ??= parseConfig(process.env)
  return cached
}
