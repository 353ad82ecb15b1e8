import type { H3Event } from 'h3'
import { AppError } from './errors'
import type { SessionInfo } from './identity'

/** The session that server/middleware/session.ts attached to the request. */
export function requireSession(event: H3Event): SessionInfo {
  const session = event.context.session as SessionInfo | undefined
  if (!session) throw new AppError('forbidden', 'No session')
  return session
}
