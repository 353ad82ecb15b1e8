// What SSR needs to render the shell: the same shape as the socket's session.ready.
import { listAgents } from '../utils/agents/registry'
import { defineApiHandler } from '../utils/api'
import { requireSession } from '../utils/session-context'
import { toTopic } from '../utils/storage/mappers'
import { listTopics } from '../utils/storage/topics'

export default defineApiHandler(async (event) => {
  const { user } = requireSession(event)
  const topics = await listTopics(user.id)
  return {
    user: { id: user.id, name: user.name, guest: user.guest },
    agents: listAgents(),
    topics: topics.map(toTopic),
  }
})
