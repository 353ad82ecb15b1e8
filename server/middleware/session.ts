// Every page and API request has a session: the first GET sets the guest cookie (DESIGN.md "Identity").
import { ensureSession } from '../utils/identity'
import { whenReady } from '../utils/startup'

export default defineEventHandler(async (event) => {
  const path = event.path
  if (path.startsWith('/ws') || path.startsWith('/_nuxt/') || path.startsWith('/__nuxt') || path === '/favicon.svg' || path === '/api/health') return
  await whenReady()
  event.context.session = await ensureSession(event)
})
