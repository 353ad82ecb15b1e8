import { logout } from '../../utils/accounts'
import { defineApiHandler } from '../../utils/api'

export default defineApiHandler(async (event) => {
  await logout(event)
  setResponseStatus(event, 204)
  return null
})
