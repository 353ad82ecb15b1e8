// Start-up: validate the configuration, open the database and run its migrations, and fail the
// replies and tasks that a previous process left unfinished.
import { initAgents } from '../utils/agents/registry'
import { ConfigError, useConfig } from '../utils/config'
import { closeDatabase, loadMigrations, useDbHandle } from '../utils/db'
import { closeBus, closeSocketsEverywhere } from '../utils/bus'
import { instanceId, startLiveRegistry } from '../utils/chat/live'
import { onShutdown } from '../utils/lifecycle'
import { closeRedis } from '../utils/redis'
import { startTaskQueue } from '../utils/tasks/queue'
import { initSessionSecret, readSession } from '../utils/identity'
import { deleteSession } from '../utils/storage/users'
import { CLOSE } from '#shared/protocol'
import { setStartup } from '../utils/startup'
import { failInterruptedMessages } from '../utils/storage/messages'
import { failInterruptedTasks } from '../utils/storage/tasks'

async function readMigrationAsset(name: string): Promise<string> {
  const value = await useStorage('assets:migrations').getItem(name.replace(/\//g, ':'))
  if (value === null || value === undefined) throw new Error(`Migration file ${name} is missing from the build`)
  return typeof value === 'string' ? value : JSON.stringify(value)
}

async function start() {
  const config = useConfig()
  const database = await useDbHandle()
  const { kind } = database
  await database.migrate(await loadMigrations(readMigrationAsset))
  // Without Redis there is one instance: whatever was left streaming or running belongs to a process
  // that died. With Redis, other instances may be writing: the live registry finds orphans by their
  // missing heartbeats, and BullMQ fails the jobs of dead workers.
  if (!config.REDIS_URL) {
    const messages = await failInterruptedMessages(new Date(Date.now() + 1000))
    const tasks = await failInterruptedTasks()
    if (messages || tasks) console.info(`[startup] marked ${messages} interrupted repl${messages === 1 ? 'y' : 'ies'} and ${tasks} task(s) as failed`)
  }
  if (config.APP_ROLE !== 'web' || !config.REDIS_URL) await startTaskQueue()
  const stopLive = startLiveRegistry()
  onShutdown('close', 'live replies', stopLive)
  const role = config.REDIS_URL ? `, role ${config.APP_ROLE}, instance ${instanceId()}` : ''
  console.info(`[startup] database: ${kind}${kind === 'pglite' ? ` in ${config.DATA_DIR}` : ''}; bus and tasks: ${config.REDIS_URL ? 'Redis' : 'in process'}${role}; guest timeout: ${config.SESSION_TIMEOUT_MINUTES} min`)
}

export default defineNitroPlugin((nitro) => {
  try {
    useConfig()
    initSessionSecret()
    const { loaded, hidden } = initAgents()
    for (const reason of hidden) console.warn(`[agents] hidden ${reason}`)
    if (loaded.length) console.info(`[agents] model-backed agents: ${loaded.join(', ')}`)
  }
  catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
  // nuxt-auth-utils' own DELETE /api/_auth/session clears the cookie: end the session here too.
  sessionHooks.hook('clear', async (_data, event) => {
    const session = await readSession(event)
    if (!session) return
    await deleteSession(session.sessionId)
    closeSocketsEverywhere(session.user.id, [session.sessionId], CLOSE.policy, 'Signed out')
  })
  const work = start()
  setStartup(work)
  work.catch((error) => {
    console.error('[startup] failed:', error instanceof Error ? error.message : error)
    process.exit(1)
  })
  // After every other close step (tasks, replies): the connections they used go last.
  nitro.hooks.hook('close', async () => {
    await closeBus()
    await closeRedis()
    await closeDatabase()
  })
})
