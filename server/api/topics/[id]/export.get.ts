// One topic as a file: ?format=json (the import format, default) or ?format=md.
import { Readable } from 'node:stream'
import { z } from 'zod'
import { defineApiHandler, issueText } from '../../../utils/api'
import { exportTopicMarkdown, exportTopics } from '../../../utils/chat/transfer'
import { fileSlug, sendAsFile } from '../../../utils/downloads'
import { badRequest } from '../../../utils/errors'
import { requireSession } from '../../../utils/session-context'
import { requireTopic } from '../../../utils/storage/topics'

const Params = z.object({ id: z.string().min(1).max(100) })
const Query = z.object({ format: z.enum(['json', 'md']).default('json') })

export default defineApiHandler(async (event) => {
  const params = Params.safeParse(getRouterParams(event))
  if (!params.success) throw badRequest('Invalid topic id')
  const query = Query.safeParse(getQuery(event))
  if (!query.success) throw badRequest(`Invalid export: ${issueText(query.error)}`)
  const { user } = requireSession(event)
  if (query.data.format === 'md') {
    const { topic, markdown } = await exportTopicMarkdown(user.id, params.data.id)
    sendAsFile(event, `${fileSlug(topic.title)}.md`, 'text/markdown')
    return markdown
  }
  const topic = await requireTopic(user.id, params.data.id)
  sendAsFile(event, `${fileSlug(topic.title)}.json`, 'application/json')
  return sendStream(event, Readable.from(exportTopics(user.id, topic.id)))
})
