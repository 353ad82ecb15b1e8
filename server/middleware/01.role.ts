// APP_ROLE=worker: a process that only runs tasks. It answers its health and readiness checks and
// nothing else, so a load balancer that reaches it by mistake gets a clear 503.
import { useConfig } from '../utils/config'

export default defineEventHandler((event) => {
  if (useConfig().APP_ROLE !== 'worker') return
  if (event.path === '/api/health' || event.path === '/api/ready') return
  setResponseStatus(event, 503)
  return { code: 'agent_unavailable', message: 'This instance only runs background tasks' }
})
