import { useConfig } from './config'
import { useDbHandle } from './db'
import { whenReady } from './startup'

export async function healthReport(): Promise<{ status: 'ok' | 'error', db: 'ok' | 'down', redis: 'ok' | 'off' | 'down' }> {
  let db: 'ok' | 'down' = 'ok'
  try {
    await whenReady()
    await (await useDbHandle()).ping()
  }
  catch {
    db = 'down'
  }
  const redis = useConfig().REDIS_URL ? 'down' : 'off'
  return { status: db === 'ok' && redis !== 'down' ? 'ok' : 'error', db, redis }
}
