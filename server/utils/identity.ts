// Sessions (DESIGN.md "Identity"): nuxt-auth-utils seals `{ user: { id, guest } }` and h3's session
// id into the httpOnly, SameSite=Lax cookie; the sessions table is the server's record of it, so a
// session can be ended (log out, password change, account deletion) although its cookie lives on.
// SESSION_SECRET (or one generated into DATA_DIR) is the one password that seals every cookie.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { getRequestHeader, isEvent, type H3Event } from 'h3'
import type { UserRow } from '../database/schema'
import { useConfig } from './config'
import { dataPath, ensureDataDir } from './db'
import { AppError } from './errors'
import { consume, rates } from './limits'
import { clientAddress, isSecureRequest } from './origin'
import { newId } from './ids'
import { createGuestSession, findSessionUser } from './storage/users'

export const SESSION_COOKIE = 'agent_chat_session'

/** What the socket's upgrade hook gets: a request-like object with headers (not always a Request). */
export interface UpgradeRequest {
  headers: Headers
}

export interface SessionInfo {
  sessionId: string
  user: UserRow
}

/** SESSION_SECRET, or one generated at first start and kept in DATA_DIR with mode 0600. */
function sessionSecret(): string {
  const configured = useConfig().SESSION_SECRET
  if (configured) return configured
  const file = dataPath('session-secret')
  if (!existsSync(file)) {
    ensureDataDir(dirname(file))
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' })
  }
  return readFileSync(file, 'utf8').trim()
}

/** Called once at start-up, before any request: nuxt-auth-utils reads its password from here. */
export function initSessionSecret() {
  process.env.NUXT_SESSION_PASSWORD = sessionSecret()
}

/** The cookie options of this request: Secure behind HTTPS. */
function cookieConfig(event: H3Event) {
  return { cookie: { secure: isSecureRequest(event) } }
}

function hasSessionCookie(cookieHeader: string | null | undefined): boolean {
  return !!cookieHeader && cookieHeader.includes(`${SESSION_COOKIE}=`)
}

/**
 * The session of a request (an H3 event, or the socket's upgrade Request) whose cookie unseals and
 * whose row still exists; null otherwise. Never creates anything.
 */
export async function readSession(source: H3Event | UpgradeRequest): Promise<SessionInfo | null> {
  const cookieHeader = isEvent(source) ? getRequestHeader(source, 'cookie') : source.headers.get('cookie')
  if (!hasSessionCookie(cookieHeader)) return null
  try {
    const session = await getUserSession(source as H3Event)
    if (!session.user?.id || !session.id) return null
    const user = await findSessionUser(session.id)
    return user && user.id === session.user.id ? { sessionId: session.id, user } : null
  }
  catch {
    // A cookie that does not unseal (tampered, expired, another secret): no session.
    return null
  }
}

/** Seals `user` into a brand-new session id (a new cookie): log-in and log-out rotate the id. */
export async function sealNewSession(event: H3Event, user: Pick<UserRow, 'id' | 'guest'>): Promise<string> {
  // h3 takes the id from the request's cookie: without it (and without the cached copy of this
  // request) the session that follows gets a fresh id.
  setRequestSessionCookie(event, null)
  delete (event.context.sessions as Record<string, unknown> | undefined)?.[SESSION_COOKIE]
  await setUserSession(event, { user: { id: user.id, guest: user.guest } }, cookieConfig(event))
  forwardSessionCookie(event)
  const { id } = await getUserSession(event)
  if (!id) throw new AppError('internal', 'Could not start a session')
  return id
}

/** A page view without a valid session gets a new guest (limited per client address). */
export async function startGuestSession(event: H3Event): Promise<SessionInfo> {
  await consume(rates.guests, clientAddress(event), 'Too many new sessions from your network.')
  const userId = newId('usr')
  const sessionId = await sealNewSession(event, { id: userId, guest: true })
  return createGuestSession(userId, sessionId)
}

/** Replaces (or removes, with null) the session cookie in the request's own Cookie header. */
function setRequestSessionCookie(event: H3Event, pair: string | null) {
  const others = (event.node.req.headers.cookie ?? '').split(';').map(part => part.trim()).filter(part => part && !part.startsWith(`${SESSION_COOKIE}=`))
  event.node.req.headers.cookie = [...others, ...(pair ? [pair] : [])].join('; ')
}

/**
 * SSR's internal $fetch calls forward the incoming Cookie header: make them carry the cookie this
 * response just set, so that the page renders with the new session.
 */
function forwardSessionCookie(event: H3Event) {
  const setCookie = event.node.res.getHeader('set-cookie')
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : []
  const ours = all.filter(line => line.startsWith(`${SESSION_COOKIE}=`)).at(-1)
  if (ours) setRequestSessionCookie(event, ours.split(';')[0]!)
}
