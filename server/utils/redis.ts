// The process's Redis command connection (REDIS_URL), shared by the rate limiters and the health
// check; null when Redis is off. Pub/sub needs connections of its own (the bus opens them).
import type { Redis } from 'ioredis'
import { useConfig } from './config'

let client: Promise<Redis> | undefined

export function useRedis(): Promise<Redis> | null {
  const url = useConfig().REDIS_URL
  if (!url) return null
  client ??= import('ioredis').then(({ default: IORedis }) => {
    const redis = new IORedis(url, { lazyConnect: false, maxRetriesPerRequest: 2, connectTimeout: 2000, enableOfflineQueue: true })
    // Connection errors surface in the commands that fail (and in /api/health); ioredis retries.
    redis.on('error', () => {})
    return redis
  })
  return client
}

export async function closeRedis() {
  if (!client) return
  const current = client
  client = undefined
  await (await current).quit().catch(() => {})
}
