// GET /api/health: the database always, Redis when REDIS_URL is set.
import { useConfig } from './config'
import { useDbHandle } from './db'
import { useRedis } from './redis'
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

async function checkRedis(): Promise<Check> {
  const redis = useRedis()
  if (!redis) return 'down'
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    const ping = (await redis).ping()
    // A load balancer's check must answer quickly even while ioredis waits to reconnect.
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 1500)))
    return (await Promise.race([ping, timeout])) === 'PONG' ? 'ok' : 'down'
  }
  catch {
    return 'down'
  }
  finally {
    clearTimeout(timer)
  }
}

export async function healthReport(): Promise<{ status: 'ok' | 'error', db: Check, redis: Check | 'off' }> {
  const [db, redis] = await Promise.all([checkDb(), useConfig().REDIS_URL ? checkRedis() : Promise.resolve('off' as const)])
  return { status: db === 'ok' && redis !== 'down' ? 'ok' : 'error', db, redis }
}
