import { RegisterBody } from '#shared/auth'
import { register, toMe } from '../../utils/accounts'
import { defineApiHandler, readJson } from '../../utils/api'

export default defineApiHandler(async (event) => {
  const body = await readJson(event, RegisterBody)
  const account = await register(event, body)
  setResponseStatus(event, 201)
  return toMe(account)
})
