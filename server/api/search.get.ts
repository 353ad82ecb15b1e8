// Full-text search in the session's own topics and messages (storage/search.ts).
import { SearchQuery, type SearchResponse } from '#shared/protocol'
import { defineApiHandler, issueText } from '../utils/api'
import { badRequest } from '../utils/errors'
import { consume, rates } from '../utils/limits'
import { requireSession } from '../utils/session-context'
import { searchOwnData } from '../utils/storage/search'

export default defineApiHandler(async (event): Promise<SearchResponse> => {
  const query = SearchQuery.safeParse(getQuery(event))
  if (!query.success) throw badRequest(`Invalid search: ${issueText(query.error)}`)
  const { user } = requireSession(event)
  await consume(rates.searches, user.id, 'You are searching too fast.')
  return { results: await searchOwnData(user.id, query.data.q, query.data.limit) }
})
