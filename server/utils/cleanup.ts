// DESIGN.md "Cleanup": guest sessions with no open socket and no activity for SESSION_TIMEOUT_MINUTES
// are deleted with their topics, messages and tasks. Account data is kept. The same sweep purges
// the topics and messages deleted more than UNDO_SECONDS ago. With several instances,
// each one keeps its connected users active (touching them more often than the timeout), and the
// sweep itself runs once per interval for the whole cluster (a Redis lease).
import { CLOSE } from '#shared/protocol'
import { closeSocketsEverywhere } from './bus'
import { useConfig } from './config'
import { connectedUserIds } from './connections'
import { useRedis } from './redis'
import { purgeDeleted } from './storage/purge'
import { deleteIdleGuests, touchUsers } from './storage/users'

/** Sweeps at least every min(60 s, timeout / 2). */
export function sweepIntervalMs(timeoutMinutes: number): number {
  return Math.max(250, Math.min(60_000, (timeoutMinutes * 60_000) / 2))
}

/** How often an instance marks its connected users active: well inside the timeout. */
export function touchIntervalMs(timeoutMinutes: number): number {
  return Math.max(100, Math.min(30_000, (timeoutMinutes * 60_000) / 4))
}

/** An open socket on this instance is activity. */
export async function touchConnectedUsers(now = Date.now()) {
  await touchUsers(connectedUserIds(), new Date(now))
}

export async function sweepIdleGuests(timeoutMinutes: number, now = Date.now()): Promise<string[]> {
  const connected = connectedUserIds()
  await touchUsers(connected, new Date(now))
  const removed = await deleteIdleGuests(new Date(now - timeoutMinutes * 60_000), new Set(connected))
  // No instance held a socket of theirs when the sweep began; one that raced in has lost its user.
  for (const userId of removed) closeSocketsEverywhere(userId, 'all', CLOSE.policy, 'Session ended')
  return removed
}

/** Deleted topics and messages whose undo window (UNDO_SECONDS) has passed go for good. */
export function purgeExpiredDeletes(undoSeconds: number, now = Date.now()) {
  return purgeDeleted(new Date(now - undoSeconds * 1000))
}

/** True when this instance should run this interval's sweep: always alone, once per cluster with Redis. */
export async function takeSweepLease(intervalMs: number, holder: string): Promise<boolean> {
  const redis = useRedis()
  if (!redis) return true
  const client = await redis
  const prefix = useConfig().REDIS_PREFIX
  // The lease ends a little before the next interval, so that some instance always takes it.
  const taken = (await client.set(`${prefix}lease:cleanup`, holder, 'PX', Math.max(100, intervalMs - 50), 'NX')) === 'OK'
  // Counted, so an operator (and a test) can see that the cluster sweeps once per interval.
  if (taken) await client.incr(`${prefix}stats:cleanup-sweeps`)
  return taken
}
