// Start-up: validate the configuration, open the database and run its migrations, and fail the
// replies and tasks that a previous process left unfinished.
import { initAgents } from '../utils/agents/registry'
import { ConfigError, useConfig } from '../utils/config'
import { closeDatabase, loadMigrations, useDbHandle } from '../utils/db'
import { closeSockets } from '../utils/connections'
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
  // With the embedded database this process is the only writer, so every streaming row is orphaned;
  // with Postgres other instances may be writing, so only rows silent for a minute are.
  const orphanedBefore = kind === 'pglite' ? new Date(Date.now() + 1000) : new Date(Date.now() - 60_000)
  const messages = await failInterruptedMessages(orphanedBefore)
  const tasks = kind === 'pglite' ? await failInterruptedTasks() : 0
  if (messages || tasks) console.info(`[startup] marked ${messages} interrupted repl${messages === 1 ? 'y' : 'ies'} and ${tasks} task(s) as failed`)
  if (config.REDIS_URL) console.warn('[startup] REDIS_URL is set: /api/health checks Redis, but events and tasks still run in this process only (the Redis bus and BullMQ queue are not built yet), so run a single instance')
  console.info(`[startup] database: ${kind}${kind === 'pglite' ? ` in ${config.DATA_DIR}` : ''}; guest timeout: ${config.SESSION_TIMEOUT_MINUTES} min`)
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
    closeSockets(session.user.id, [session.sessionId], CLOSE.policy, 'Signed out')
  })
  const work = start()
  setStartup(work)
  work.catch((error) => {
    console.error('[startup] failed:', error instanceof Error ? error.message : error)
    process.exit(1)
  })
  nitro.hooks.hook('close', closeDatabase)
})
