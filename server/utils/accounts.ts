// Accounts: register (a guest becomes an account in place), log in (the guest's topics move into the
// account), log out, change the password, delete the account. Passwords are argon2id hashes; every
// step that ends a session closes that session's sockets (1008).
import type { H3Event } from 'h3'
import { CLOSE } from '#shared/protocol'
import type { LoginBody, RegisterBody } from '#shared/auth'
import type { UserRow } from '../database/schema'
import { closeSocketsEverywhere } from './bus'
import { AppError, badRequest } from './errors'
import { readSession, sealNewSession, startGuestSession, type SessionInfo } from './identity'
import { consume, forgive, rates } from './limits'
import { clientAddress } from './origin'
import { argon2idHash, passwordMatches } from './passwords'
import { announce } from './events'
import { deleteOtherSessions, deleteSession, deleteUser, findAccountByEmail, insertSession, mergeGuestInto, updateUser, upgradeGuest } from './storage/users'

const WRONG_CREDENTIALS = 'The email or the password is wrong.'

async function limitAttempt(event: H3Event) {
  await consume(rates.auth, clientAddress(event), 'Too many attempts from your network.')
}

export function toMe(user: UserRow) {
  return { id: user.id, name: user.name, email: user.email, guest: user.guest }
}

export async function register(event: H3Event, body: RegisterBody): Promise<UserRow> {
  await limitAttempt(event)
  const session = await readSession(event) ?? await startGuestSession(event)
  if (!session.user.guest) throw badRequest('You are logged in: log out before creating another account.')
  const passwordHash = await argon2idHash(body.password)
  const account = await upgradeGuest(session.user.id, { email: body.email, passwordHash, name: body.name ?? null })
  if (!account) throw new AppError('conflict', 'An account with this email already exists. Log in instead.')
  await replaceSession(event, session, account)
  return account
}

export async function login(event: H3Event, body: LoginBody): Promise<UserRow> {
  await limitAttempt(event)
  await consume(rates.loginFailures, body.email, 'Too many failed log-ins for this account.')
  const account = await findAccountByEmail(body.email)
  if (!(await passwordMatches(account?.passwordHash, body.password))) throw new AppError('unauthorized', WRONG_CREDENTIALS)
  await forgive(rates.loginFailures, body.email)
  const session = await readSession(event)
  if (session?.user.guest && session.user.id !== account!.id) {
    const moved = await mergeGuestInto(session.user.id, account!.id)
    // The account's other browsers see the topics arrive.
    for (const topic of moved) announce.topicCreated(topic)
  }
  await replaceSession(event, session, account!)
  return account!
}

/** A new session id for `user` (no fixation); the old session ends and its sockets reconnect. */
async function replaceSession(event: H3Event, old: SessionInfo | null, user: UserRow) {
  const sessionId = await sealNewSession(event, user)
  await insertSession(sessionId, user.id)
  if (!old) return
  await deleteSession(old.sessionId)
  // Same browser, new cookie: its tabs reconnect at once and come back as the account.
  closeSocketsEverywhere(old.user.id, [old.sessionId], CLOSE.sessionChanged, 'Signed in')
}

/** Ends the session and starts a fresh guest one (DESIGN.md: 204 and a new guest session). */
export async function logout(event: H3Event): Promise<void> {
  const session = await readSession(event)
  if (session) {
    await deleteSession(session.sessionId)
    closeSocketsEverywhere(session.user.id, [session.sessionId], CLOSE.policy, 'Signed out')
  }
  await startGuestSession(event)
}

export async function renameAccount(session: SessionInfo, name: string): Promise<UserRow> {
  const updated = await updateUser(session.user.id, { name })
  if (!updated) throw new AppError('unauthorized', 'Your session has ended.')
  return updated
}

async function requireAccountPassword(event: H3Event, session: SessionInfo, password: string) {
  await limitAttempt(event)
  if (session.user.guest) throw badRequest('A guest has no password: create an account first.')
  if (!(await passwordMatches(session.user.passwordHash, password))) throw new AppError('unauthorized', 'The current password is wrong.')
}

/** Changes the password and ends every other session of the account (their sockets close, 1008). */
export async function changePassword(event: H3Event, session: SessionInfo, current: string, next: string): Promise<void> {
  await requireAccountPassword(event, session, current)
  await updateUser(session.user.id, { passwordHash: await argon2idHash(next) })
  const ended = await deleteOtherSessions(session.user.id, session.sessionId)
  closeSocketsEverywhere(session.user.id, ended, CLOSE.policy, 'Password changed')
}

/** Deletes the account with all its data; every socket of it closes (1008), a guest session follows. */
export async function deleteAccount(event: H3Event, session: SessionInfo, password: string): Promise<void> {
  await requireAccountPassword(event, session, password)
  await deleteUser(session.user.id)
  closeSocketsEverywhere(session.user.id, 'all', CLOSE.policy, 'Account deleted')
  await startGuestSession(event)
}
