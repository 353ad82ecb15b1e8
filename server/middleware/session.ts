// Every page view has a session: the first one sets the guest cookie (DESIGN.md "Identity"). Other
// requests (assets, API, 404s) read a session when their cookie has one and never create any, so a
// stream of cookie-less requests costs no database row; new guests are limited per client address.
import { readSession, startGuestSession } from '../utils/identity'
import { whenReady } from '../utils/startup'
import { toHttpError } from '../utils/errors'

/** The app's pages: `/`, `/t/<topic>`, `/login`, `/register`, `/settings`. */
const PAGE = /^\/(?:t\/[^/?#]+|login|register|settings)?\/?(?:[?#].*)?$/

export function isPageView(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && PAGE.test(path)
}

export default defineEventHandler(async (event) => {
  const path = event.path
  const page = isPageView(event.method, path)
  if (!page && !path.startsWith('/api/')) return
  if (path === '/api/health' || path === '/api/ready') return
  await whenReady()
  const session = await readSession(event)
  if (session || !page) {
    event.context.session = session
    return
  }
  try {
    event.context.session = await startGuestSession(event)
  }
  catch (error) {
    throw toHttpError(error)
  }
})
