// GET /api/health: the database always, Redis when REDIS_URL is set.
import { useConfig } from './config'
import { useDbHandle } from './db'
import { whenReady } from './startup'

type Check = 'ok' | 'down'

async function checkDb(): Promise<Check> {
  try {
    await whenReady()
    await (await useDbHandle()).ping()
    return 'ok'
  }
  catch {
    return 'down'
  }
}

let redis: Promise<import('ioredis').Redis> | undefined

/** One connection for every health check: a load balancer polls often, a new connection each time churns. */
function redisClient(url: string) {
  redis ??= import('ioredis').then(({ default: Redis }) => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, enableOfflineQueue: false })
    client.on('error', () => {})
    return client
  })
  return redis
}

async function checkRedis(url: string): Promise<Check> {
  try {
    const client = await redisClient(url)
    if (client.status === 'wait' || client.status === 'end') await client.connect()
    return (await client.ping()) === 'PONG' ? 'ok' : 'down'
  }
  catch {
    return 'down'
  }
}

export async function healthReport(): Promise<{ status: 'ok' | 'error', db: Check, redis: Check | 'off' }> {
  const url = useConfig().REDIS_URL
  const [db, redis] = await Promise.all([checkDb(), url ? checkRedis(url) : Promise.resolve('off' as const)])
  return { status: db === 'ok' && redis !== 'down' ? 'ok' : 'error', db, redis }
}
