import { PasswordChangeBody } from '#shared/auth'
import { changePassword } from '../../utils/accounts'
import { defineApiHandler, readJson } from '../../utils/api'
import { requireSession } from '../../utils/session-context'

export default defineApiHandler(async (event) => {
  const { currentPassword, newPassword } = await readJson(event, PasswordChangeBody)
  await changePassword(event, requireSession(event), currentPassword, newPassword)
  setResponseStatus(event, 204)
  return null
})
