import { LoginBody } from '#shared/auth'
import { login, toMe } from '../../utils/accounts'
import { defineApiHandler, readJson } from '../../utils/api'

export default defineApiHandler(async (event) => {
  const account = await login(event, await readJson(event, LoginBody))
  return toMe(account)
})
