// The background loop that removes idle guest sessions and purges expired deletes (once per cluster), and keeps this
// instance's connected users active.
import { instanceId } from '../utils/chat/live'
import { purgeExpiredDeletes, sweepIdleGuests, sweepIntervalMs, takeSweepLease, touchConnectedUsers, touchIntervalMs } from '../utils/cleanup'
import { useConfig } from '../utils/config'
import { whenReady } from '../utils/startup'

function repeat(ms: number, work: () => Promise<void>): ReturnType<typeof setInterval> {
  let running = false
  const timer = setInterval(async () => {
    if (running) return
    running = true
    try {
      await whenReady()
      await work()
    }
    catch (error) {
      console.error('[cleanup] failed', error)
    }
    finally {
      running = false
    }
  }, ms)
  timer.unref()
  return timer
}

export default defineNitroPlugin((nitro) => {
  const timeout = useConfig().SESSION_TIMEOUT_MINUTES
  const interval = sweepIntervalMs(timeout)
  const timers = [
    repeat(touchIntervalMs(timeout), () => touchConnectedUsers()),
    repeat(interval, async () => {
      if (!(await takeSweepLease(interval, instanceId()))) return
      const removed = await sweepIdleGuests(timeout)
      if (removed.length) console.info(`[cleanup] removed ${removed.length} idle guest session(s)`)
      const purged = await purgeExpiredDeletes(useConfig().UNDO_SECONDS)
      if (purged.topics || purged.messages) console.info(`[cleanup] purged ${purged.topics} deleted topic(s) and ${purged.messages} deleted message(s)`)
    }),
  ]
  nitro.hooks.hook('close', () => timers.forEach(clearInterval))
})
