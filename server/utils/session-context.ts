import type { H3Event } from 'h3'
import { AppError } from './errors'
import type { SessionInfo } from './identity'

/** The session that server/middleware/session.ts attached to the request, or 401. */
export function requireSession(event: H3Event): SessionInfo {
  const session = event.context.session as SessionInfo | null | undefined
  if (!session) throw new AppError('unauthorized', 'Your session has ended. Reload the page to start a new one.')
  return session
}
