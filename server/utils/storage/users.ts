// Users (guests and accounts) and their sessions (DESIGN.md "Identity").
import { and, eq, inArray, lt, ne } from 'drizzle-orm'
import { sessions, tasks, topics, users, type TopicRow, type UserRow } from '../../database/schema'
import { useDb } from '../db'

export async function createGuestSession(userId: string, sessionId: string): Promise<{ sessionId: string, user: UserRow }> {
  const db = await useDb()
  const [user] = await db.insert(users).values({ id: userId, guest: true }).returning()
  await db.insert(sessions).values({ id: sessionId, userId })
  return { sessionId, user: user! }
}

export async function insertSession(sessionId: string, userId: string): Promise<void> {
  const db = await useDb()
  await db.insert(sessions).values({ id: sessionId, userId })
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

export async function findUser(userId: string): Promise<UserRow | undefined> {
  const db = await useDb()
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1)
  return row
}

export async function findAccountByEmail(email: string): Promise<UserRow | undefined> {
  const db = await useDb()
  const [row] = await db.select().from(users).where(and(eq(users.email, email), eq(users.guest, false))).limit(1)
  return row
}

/** Turns a guest into an account in place (its topics stay); undefined when the email is taken. */
export async function upgradeGuest(userId: string, values: { email: string, passwordHash: string, name: string | null }): Promise<UserRow | undefined> {
  const db = await useDb()
  try {
    const [row] = await db.update(users).set({ ...values, guest: false, updatedAt: new Date() }).where(and(eq(users.id, userId), eq(users.guest, true))).returning()
    return row
  }
  catch (error) {
    if (isUniqueViolation(error)) return undefined
    throw error
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let cause = error as { code?: string, cause?: unknown } | undefined; cause; cause = cause.cause as typeof cause) {
    if (cause.code === '23505') return true
  }
  return false
}

/** Moves a guest's topics and tasks into an account, then deletes the guest (and its sessions); returns the moved topics. */
export async function mergeGuestInto(guestId: string, accountId: string): Promise<TopicRow[]> {
  const db = await useDb()
  return db.transaction(async (tx) => {
    const moved = await tx.update(topics).set({ ownerId: accountId }).where(eq(topics.ownerId, guestId)).returning()
    await tx.update(tasks).set({ ownerId: accountId }).where(eq(tasks.ownerId, guestId))
    await tx.delete(users).where(and(eq(users.id, guestId), eq(users.guest, true)))
    return moved
  })
}

export async function updateUser(userId: string, values: Partial<Pick<UserRow, 'name' | 'passwordHash'>>): Promise<UserRow | undefined> {
  const db = await useDb()
  const [row] = await db.update(users).set({ ...values, updatedAt: new Date() }).where(eq(users.id, userId)).returning()
  return row
}

export async function deleteUser(userId: string): Promise<boolean> {
  const db = await useDb()
  // Topics, messages, tasks and sessions go with the user (foreign keys cascade).
  const rows = await db.delete(users).where(eq(users.id, userId)).returning({ id: users.id })
  return rows.length > 0
}

export async function deleteSession(sessionId: string): Promise<void> {
  const db = await useDb()
  await db.delete(sessions).where(eq(sessions.id, sessionId))
}

/** Ends every session of the user but `keep`; returns the ids that ended. */
export async function deleteOtherSessions(userId: string, keep: string): Promise<string[]> {
  const db = await useDb()
  const rows = await db.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.id, keep))).returning({ id: sessions.id })
  return rows.map(row => row.id)
}

/** Marks activity; false when the user no longer exists (cleaned up), so a socket cannot open for it. */
export async function touchUser(userId: string, at = new Date()): Promise<boolean> {
  const db = await useDb()
  const rows = await db.update(users).set({ lastActiveAt: at }).where(eq(users.id, userId)).returning({ id: users.id })
  return rows.length > 0
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
  // The conditions are checked again at deletion: a socket that opened since touched its user, and
  // that user stays. Topics, messages, tasks and sessions go with the user (foreign keys cascade).
  const deleted = await db.delete(users).where(and(inArray(users.id, doomed), eq(users.guest, true), lt(users.lastActiveAt, cutoff))).returning({ id: users.id })
  return deleted.map(row => row.id)
}
