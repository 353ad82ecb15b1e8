// Replaces Nitro's own graceful shutdown, which destroys upgraded sockets at once and then waits for
// them: on SIGTERM or SIGINT the app drains as server/utils/lifecycle.ts describes, then exits. A
// second signal during the drain ends the process at once (the default action).
import { CLOSE } from '#shared/protocol'
import { useConfig } from '../utils/config'
import { closeAllSockets } from '../utils/connections'
import { onShutdown, shutdown } from '../utils/lifecycle'

export default defineNitroPlugin((nitroApp) => {
  if (import.meta.dev) return
  // Read by Nitro's node server right after the plugins ran.
  process.env.NITRO_SHUTDOWN_DISABLED = '1'
  onShutdown('sockets', 'sockets', () => closeAllSockets(CLOSE.serviceRestart, 'Server restarting: reconnect'))
  const onSignal = (signal: NodeJS.Signals) => {
    const drainMs = useConfig().SHUTDOWN_DRAIN_SECONDS * 1000
    console.info(`[shutdown] ${signal}: not ready any more; running replies get ${drainMs / 1000} s`)
    void shutdown(drainMs)
      .then(() => nitroApp.hooks.callHook('close'))
      .catch(error => console.error('[shutdown] failed:', error))
      .finally(() => process.exit(0))
  }
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
})
