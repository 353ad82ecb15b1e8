// All of the session's data as a JSON download (guests included).
import { Readable } from 'node:stream'
import { defineApiHandler } from '../../utils/api'
import { requireSession } from '../../utils/session-context'
import { exportUserData } from '../../utils/storage/export'

export default defineApiHandler(async (event) => {
  const { user } = requireSession(event)
  const day = new Date().toISOString().slice(0, 10)
  setResponseHeaders(event, {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="agent-chat-${day}.json"`,
    'cache-control': 'no-store',
  })
  return sendStream(event, Readable.from(exportUserData(user)))
})
