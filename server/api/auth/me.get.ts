import { toMe } from '../../utils/accounts'
import { defineApiHandler } from '../../utils/api'
import { requireSession } from '../../utils/session-context'

export default defineApiHandler(async event => toMe(requireSession(event).user))
