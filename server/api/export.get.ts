// Every topic of the session as one file in the import format (GET /api/account/export is the
// "all my data" download, with ids, versions and tasks).
import { Readable } from 'node:stream'
import { defineApiHandler } from '../utils/api'
import { exportTopics } from '../utils/chat/transfer'
import { sendAsFile } from '../utils/downloads'
import { requireSession } from '../utils/session-context'

export default defineApiHandler(async (event) => {
  const { user } = requireSession(event)
  sendAsFile(event, `agent-chat-topics-${new Date().toISOString().slice(0, 10)}.json`, 'application/json')
  return sendStream(event, Readable.from(exportTopics(user.id)))
})
