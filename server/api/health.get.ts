import { healthReport } from '../utils/health'

export default defineEventHandler(async (event) => {
  const report = await healthReport()
  if (report.status !== 'ok') setResponseStatus(event, 503)
  return report
})
