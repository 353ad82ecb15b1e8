// Account settings: the display name.
import { AccountUpdateBody } from '#shared/auth'
import { renameAccount, toMe } from '../../utils/accounts'
import { defineApiHandler, readJson } from '../../utils/api'
import { requireSession } from '../../utils/session-context'

export default defineApiHandler(async (event) => {
  const { name } = await readJson(event, AccountUpdateBody)
  return toMe(await renameAccount(requireSession(event), name))
})
