// Rate limits (rate-limiter-flexible): in memory by default, in Redis when REDIS_URL is set so that a
// limit holds across instances. Concurrency limits (sockets, live replies, tasks, topics) are exact
// counts kept where those things live, not here. docs/security.md lists every limit.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { useConfig } from './config'
import { AppError } from './errors'
import { useRedis } from './redis'

interface RateOptions {
  keyPrefix: string
  points: number
  durationSeconds: number
}

async function createLimiter(options: RateOptions): Promise<RateLimiterAbstract> {
  const settings = { keyPrefix: `rl:${options.keyPrefix}`, points: options.points, duration: options.durationSeconds }
  const redis = useRedis()
  if (!redis) return new RateLimiterMemory(settings)
  // A Redis outage must not lock everyone out: the memory limiter takes over per process.
  return new RateLimiterRedis({ ...settings, storeClient: await redis, useRedisPackage: false, insuranceLimiter: new RateLimiterMemory(settings) })
}

const limiters = new Map<string, Promise<RateLimiterAbstract>>()

function limiter(name: string, options: () => Omit<RateOptions, 'keyPrefix'>): Promise<RateLimiterAbstract> {
  let current = limiters.get(name)
  if (!current) limiters.set(name, (current = createLimiter({ keyPrefix: name, ...options() })))
  return current
}

/** The named rates of the app, each read from its env variable. */
export const rates = {
  /** message.send, edit and regenerate (each starts a reply), per user. */
  sends: () => limiter('sends', () => ({ points: useConfig().SENDS_PER_MINUTE, durationSeconds: 60 })),
  /** Full-text searches, per user: each one reads the user's whole message index. */
  searches: () => limiter('searches', () => ({ points: useConfig().SEARCHES_PER_MINUTE, durationSeconds: 60 })),
  /** Imports, per user: each one may write thousands of rows in one transaction. */
  imports: () => limiter('imports', () => ({ points: useConfig().IMPORTS_PER_MINUTE, durationSeconds: 60 })),
  /** New guest sessions, per client address. */
  guests: () => limiter('guests', () => ({ points: useConfig().GUESTS_PER_MINUTE_PER_IP, durationSeconds: 60 })),
  /** Register, log in, password change and account deletion attempts, per client address. */
  auth: () => limiter('auth', () => ({ points: useConfig().AUTH_ATTEMPTS_PER_MINUTE_PER_IP, durationSeconds: 60 })),
  /** Failed log-ins per account email: slows guessing one account from many addresses. */
  loginFailures: () => limiter('login-failures', () => ({ points: 20, durationSeconds: 15 * 60 })),
}

function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000))
  return seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`
}

/** Takes one point; over the limit, throws rate_limited with `message` and when to try again. */
export async function consume(rate: () => Promise<RateLimiterAbstract>, key: string, message: string): Promise<void> {
  try {
    await (await rate()).consume(key)
  }
  catch (error) {
    if (error instanceof RateLimiterRes) throw new AppError('rate_limited', `${message} Try again in ${waitText(error.msBeforeNext)}.`)
    throw error
  }
}

/** Gives back the points of `key` (a successful log-in clears its failures). */
export async function forgive(rate: () => Promise<RateLimiterAbstract>, key: string): Promise<void> {
  await (await rate()).delete(key).catch(() => {})
}

/** Tests and benchmarks restart the process instead; this is for unit tests of the limits. */
export function resetLimitersForTests() {
  limiters.clear()
}
