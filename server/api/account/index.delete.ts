// Deletes the account and all its data; the browser continues as a new guest.
import { AccountDeleteBody } from '#shared/auth'
import { deleteAccount } from '../../utils/accounts'
import { defineApiHandler, readJson } from '../../utils/api'
import { requireSession } from '../../utils/session-context'

export default defineApiHandler(async (event) => {
  const { password } = await readJson(event, AccountDeleteBody)
  await deleteAccount(event, requireSession(event), password)
  setResponseStatus(event, 204)
  return null
})
