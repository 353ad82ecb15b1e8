// The JSON API's one error shape (DESIGN.md): a failed request answers `{code, message}` with the
// code's HTTP status. Handlers throw AppError (or let zod fail); this turns it into the answer.
import { getRequestHeader, setResponseStatus, type EventHandlerRequest, type H3Event } from 'h3'
import type { z } from 'zod'
import { AppError, badRequest, httpStatusOf, toAppError } from './errors'

export function defineApiHandler<T>(handler: (event: H3Event<EventHandlerRequest>) => Promise<T>) {
  return defineEventHandler(async (event) => {
    try {
      return await handler(event)
    }
    catch (error) {
      const appError = toAppError(error)
      setResponseStatus(event, httpStatusOf(appError.code))
      return { code: appError.code, message: appError.message }
    }
  })
}

/** Bodies of this API are a few fields: anything bigger is refused before it is buffered. */
const MAX_BODY_BYTES = 16 * 1024

async function readCappedText(event: H3Event): Promise<string> {
  if (Number(getRequestHeader(event, 'content-length') ?? 0) > MAX_BODY_BYTES) throw new AppError('too_large', 'The request body is too large')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of event.node.req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new AppError('too_large', 'The request body is too large')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The JSON body, validated. Only `application/json` is read: a cross-site form cannot send it
 * without a CORS preflight, which this server never grants.
 */
export async function readJson<S extends z.ZodType>(event: H3Event, schema: S): Promise<z.infer<S>> {
  if (!/^application\/json\b/i.test(getRequestHeader(event, 'content-type') ?? '')) throw badRequest('Send the body as application/json')
  let data: unknown
  try {
    data = JSON.parse(await readCappedText(event))
  }
  catch (error) {
    if (error instanceof AppError) throw error
    throw badRequest('The request body is not valid JSON')
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? 'Invalid request body')
  return parsed.data
}
