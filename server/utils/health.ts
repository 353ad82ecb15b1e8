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

async function checkRedis(url: string): Promise<Check> {
  const { default: Redis } = await import('ioredis')
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, enableOfflineQueue: false })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.ping()) === 'PONG' ? 'ok' : 'down'
  }
  catch {
    return 'down'
  }
  finally {
    client.disconnect()
  }
}

export async function healthReport(): Promise<{ status: 'ok' | 'error', db: Check, redis: Check | 'off' }> {
  const url = useConfig().REDIS_URL
  const [db, redis] = await Promise.all([checkDb(), url ? checkRedis(url) : Promise.resolve('off' as const)])
  return { status: db === 'ok' && redis !== 'down' ? 'ok' : 'error', db, redis }
}
