// Another site's page can still make the browser send a POST here (a form that submits itself). The
// SameSite=Lax cookie stays behind, so the session middleware would answer with a fresh guest cookie
// that replaces the visitor's own, and a JSON handler would read a urlencoded form as its body. So a
// browser request that changes something must come from this origin: browsers say where a request
// comes from in Sec-Fetch-Site. Clients without that header (curl, tests) are not browsers, and
// nothing can make them send a visitor's cookie. Runs before session.ts (file names sort).
import { AppError, toHttpError } from '../utils/errors'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const OWN_SITE = new Set(['same-origin', 'none'])

export default defineEventHandler((event) => {
  if (SAFE_METHODS.has(event.method)) return
  const site = getRequestHeader(event, 'sec-fetch-site')
  if (site && !OWN_SITE.has(site)) throw toHttpError(new AppError('forbidden', 'Requests from other sites are not accepted'))
})
