// The guest session of DESIGN.md: an httpOnly, SameSite=Lax cookie holding a session id signed with HMAC-SHA256.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { getCookie, getRequestProtocol, setCookie, type H3Event } from 'h3'
import type { UserRow } from '../database/schema'
import { useConfig } from './config'
import { dataPath, ensureDataDir } from './db'
import { createGuestSession, findSessionUser } from './storage/users'

export const SESSION_COOKIE = 'agent_chat_sid'
const ONE_YEAR = 60 * 60 * 24 * 365

export interface SessionInfo {
  sessionId: string
  user: UserRow
}

let secret: Buffer | undefined

/** SESSION_SECRET, or one generated at first start and kept in DATA_DIR with mode 0600. */
function sessionSecret(): Buffer {
  if (secret) return secret
  const configured = useConfig().SESSION_SECRET
  if (configured) return (secret = Buffer.from(configured))
  const file = dataPath('session-secret')
  if (!existsSync(file)) {
    ensureDataDir(dirname(file))
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' })
  }
  return (secret = Buffer.from(readFileSync(file, 'utf8').trim()))
}

function mac(value: string): string {
  return createHmac('sha256', sessionSecret()).update(value).digest('base64url')
}

export function signSessionId(sessionId: string): string {
  return `${sessionId}.${mac(sessionId)}`
}

/** The session id inside a cookie value, or null when the signature does not match. */
export function verifySessionCookie(value: string | undefined): string | null {
  if (!value) return null
  const dot = value.lastIndexOf('.')
  if (dot <= 0) return null
  const sessionId = value.slice(0, dot)
  const given = Buffer.from(value.slice(dot + 1))
  const expected = Buffer.from(mac(sessionId))
  return given.length === expected.length && timingSafeEqual(given, expected) ? sessionId : null
}

export function readCookie(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      }
      catch {
        return undefined
      }
    }
  }
  return undefined
}

export async function sessionFromCookie(value: string | undefined): Promise<SessionInfo | null> {
  const sessionId = verifySessionCookie(value)
  if (!sessionId) return null
  const user = await findSessionUser(sessionId)
  return user ? { sessionId, user } : null
}

/** The request's session; a new guest session (and its cookie) when there is none or it was cleaned up. */
export async function ensureSession(event: H3Event): Promise<SessionInfo> {
  const existing = await sessionFromCookie(getCookie(event, SESSION_COOKIE))
  if (existing) return existing
  const created = await createGuestSession()
  const value = signSessionId(created.sessionId)
  setCookie(event, SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: ONE_YEAR,
    secure: getRequestProtocol(event) === 'https',
  })
  // SSR's internal $fetch calls forward the incoming cookie header: let them see the new session too.
  const cookies = event.node.req.headers.cookie
  event.node.req.headers.cookie = `${cookies ? `${cookies}; ` : ''}${SESSION_COOKIE}=${encodeURIComponent(value)}`
  return created
}
