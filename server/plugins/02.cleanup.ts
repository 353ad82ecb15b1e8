// The background loop that removes idle guest sessions.
import { sweepIdleGuests, sweepIntervalMs } from '../utils/cleanup'
import { useConfig } from '../utils/config'
import { whenReady } from '../utils/startup'

export default defineNitroPlugin((nitro) => {
  const timeout = useConfig().SESSION_TIMEOUT_MINUTES
  let sweeping = false
  const timer = setInterval(async () => {
    if (sweeping) return
    sweeping = true
    try {
      await whenReady()
      const removed = await sweepIdleGuests(timeout)
      if (removed.length) console.info(`[cleanup] removed ${removed.length} idle guest session(s)`)
    }
    catch (error) {
      console.error('[cleanup] sweep failed', error)
    }
    finally {
      sweeping = false
    }
  }, sweepIntervalMs(timeout))
  timer.unref()
  nitro.hooks.hook('close', () => clearInterval(timer))
})
