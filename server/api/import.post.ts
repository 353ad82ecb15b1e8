// Imports a TopicsExport file: validated field by field, stored all or nothing, 201 with the topics.
import { TopicsExport, type ImportResponse } from '#shared/protocol'
import { defineApiHandler, readJson } from '../utils/api'
import { importTopics } from '../utils/chat/transfer'
import { useConfig } from '../utils/config'
import { consume, rates } from '../utils/limits'
import { requireSession } from '../utils/session-context'

export default defineApiHandler(async (event): Promise<ImportResponse> => {
  const { user } = requireSession(event)
  await consume(rates.imports, user.id, 'Too many imports.')
  const file = await readJson(event, TopicsExport, { maxBytes: useConfig().IMPORT_MAX_BYTES, describe: true })
  const topics = await importTopics(user.id, file)
  setResponseStatus(event, 201)
  return { topics }
})
