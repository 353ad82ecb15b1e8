// DESIGN.md "Cleanup": guest sessions with no open socket and no activity for SESSION_TIMEOUT_MINUTES
// are deleted with their topics, messages and tasks. Account data is kept.
import { CLOSE } from '#shared/protocol'
import { closeSockets, connectedUserIds } from './connections'
import { deleteIdleGuests, touchUsers } from './storage/users'

/** Sweeps at least every min(60 s, timeout / 2). */
export function sweepIntervalMs(timeoutMinutes: number): number {
  return Math.max(250, Math.min(60_000, (timeoutMinutes * 60_000) / 2))
}

export async function sweepIdleGuests(timeoutMinutes: number, now = Date.now()): Promise<string[]> {
  const connected = connectedUserIds()
  // An open socket is activity: keeps these users alive on every instance that reads the table.
  await touchUsers(connected, new Date(now))
  const removed = await deleteIdleGuests(new Date(now - timeoutMinutes * 60_000), new Set(connected))
  // None of them had a socket here when the sweep began; one that raced in has lost its user.
  for (const userId of removed) closeSockets(userId, 'all', CLOSE.policy, 'Session ended')
  return removed
}
