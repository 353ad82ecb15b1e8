// One topic with its latest messages and tasks, for SSR of /t/<id>. Foreign or unknown ids are 404.
import { z } from 'zod'
import { defineApiHandler } from '../../utils/api'
import { openTopic } from '../../utils/chat/history'
import { badRequest } from '../../utils/errors'
import { requireSession } from '../../utils/session-context'
import { toTopic } from '../../utils/storage/mappers'
import { requireTopic } from '../../utils/storage/topics'

const Params = z.object({ id: z.string().min(1).max(100) })

export default defineApiHandler(async (event) => {
  const params = Params.safeParse(getRouterParams(event))
  if (!params.success) throw badRequest('Invalid topic id')
  const { user } = requireSession(event)
  const topic = await requireTopic(user.id, params.data.id)
  const history = await openTopic(user.id, { topicId: topic.id })
  return { topic: toTopic(topic), ...history }
})
