// Users and their sessions (the guest session of DESIGN.md "Identity").
import { and, eq, inArray, lt } from 'drizzle-orm'
import { sessions, users, type UserRow } from '../../database/schema'
import { useDb } from '../db'
import { newId } from '../ids'

export async function createGuestSession(): Promise<{ sessionId: string, user: UserRow }> {
  const db = await useDb()
  const userId = newId('usr')
  const sessionId = newId('ses')
  const [user] = await db.insert(users).values({ id: userId, guest: true }).returning()
  await db.insert(sessions).values({ id: sessionId, userId })
  return { sessionId, user: user! }
}

export async function findSessionUser(sessionId: string): Promise<UserRow | undefined> {
  const db = await useDb()
  const rows = await db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.id, sessionId))
    .limit(1)
  return rows[0]?.user
}

export async function touchUsers(userIds: string[], at = new Date()) {
  if (!userIds.length) return
  const db = await useDb()
  await db.update(users).set({ lastActiveAt: at }).where(inArray(users.id, userIds))
}

/** Guest users idle since before `cutoff`, except those that still hold an open socket. */
export async function deleteIdleGuests(cutoff: Date, keep: Set<string>): Promise<string[]> {
  const db = await useDb()
  const idle = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.guest, true), lt(users.lastActiveAt, cutoff)))
  const doomed = idle.map(row => row.id).filter(id => !keep.has(id))
  if (!doomed.length) return []
  // Topics, messages, tasks and sessions go with the user (foreign keys cascade).
  await db.delete(users).where(and(inArray(users.id, doomed), eq(users.guest, true), lt(users.lastActiveAt, cutoff)))
  return doomed
}
