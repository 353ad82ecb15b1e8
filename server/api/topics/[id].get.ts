// One topic with its latest messages and tasks, for SSR of /t/<id>. Foreign or unknown ids are 404.
import { z } from 'zod'
import { openTopic } from '../../utils/chat/service'
import { toHttpError } from '../../utils/errors'
import { requireSession } from '../../utils/session-context'
import { toTopic } from '../../utils/storage/mappers'
import { requireTopic } from '../../utils/storage/topics'

const Params = z.object({ id: z.string().min(1).max(100) })

export default defineEventHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, Params.parse)
  const { user } = requireSession(event)
  try {
    const topic = await requireTopic(user.id, id)
    const history = await openTopic(user.id, { topicId: id })
    return { topic: toTopic(topic), ...history }
  }
  catch (error) {
    throw toHttpError(error)
  }
})
