// GET /api/ready: 200 while this instance takes new work; 503 from the moment a graceful shutdown
// began, so the load balancer stops sending it sockets (DESIGN.md "Pages and HTTP").
import { isDraining } from '../utils/lifecycle'
import { whenReady } from '../utils/startup'

export default defineEventHandler(async (event) => {
  if (isDraining()) {
    setResponseStatus(event, 503)
    return { status: 'draining' }
  }
  await whenReady()
  return { status: 'ready' }
})
