// Serialises the changes to one topic (send, edit, regenerate, delete): in this process by a chain
// of promises, and across instances (REDIS_URL) by a Redis lock, so two tabs on two instances cannot
// both start a reply in one topic.
import { randomUUID } from 'node:crypto'
import { useConfig } from '../config'
import { AppError } from '../errors'
import { useRedis } from '../redis'

const tails = new Map<string, Promise<unknown>>()
/** A holder that died keeps the lock at most this long. */
const LOCK_TTL_MS = 15_000
const WAIT_MS = 10_000

// Deletes the lock only if this holder still has it (it may have expired and moved on).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

async function withRedisLock<T>(topicId: string, work: () => Promise<T>): Promise<T> {
  const redis = useRedis()
  if (!redis) return work()
  const client = await redis
  const key = `${useConfig().REDIS_PREFIX}lock:topic:${topicId}`
  const token = randomUUID()
  const deadline = Date.now() + WAIT_MS
  while (await client.set(key, token, 'PX', LOCK_TTL_MS, 'NX') !== 'OK') {
    if (Date.now() > deadline) throw new AppError('rate_limited', 'This topic is busy with another change: try again in a moment.')
    await new Promise(resolve => setTimeout(resolve, 25 + Math.random() * 50))
  }
  try {
    return await work()
  }
  finally {
    await client.eval(RELEASE, 1, key, token).catch(() => {})
  }
}

export function withTopicLock<T>(topicId: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(topicId) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(() => withRedisLock(topicId, work))
  tails.set(topicId, next)
  void next.catch(() => {}).finally(() => {
    if (tails.get(topicId) === next) tails.delete(topicId)
  })
  return next
}
