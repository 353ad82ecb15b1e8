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

async function readCappedText(event: H3Event, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError('too_large', maxBytes === MAX_BODY_BYTES ? 'The request body is too large' : `The file is larger than ${maxBytes.toLocaleString('en-US')} bytes, the most an import takes`)
  if (Number(getRequestHeader(event, 'content-length') ?? 0) > maxBytes) throw tooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of event.node.req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw tooLarge()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The first issues of a zod error, each with the path of its field: "topics.0.title: Too small…". */
export function issueText(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map(issue => (issue.path.length ? `${issue.path.join('.')}: ` : '') + issue.message)
    .join('; ')
}

/**
 * The JSON body, validated. Only `application/json` is read: a cross-site form cannot send it
 * without a CORS preflight, which this server never grants.
 */
export async function readJson<S extends z.ZodType>(event: H3Event, schema: S, options: { maxBytes?: number, describe?: boolean } = {}): Promise<z.infer<S>> {
  if (!/^application\/json\b/i.test(getRequestHeader(event, 'content-type') ?? '')) throw badRequest('Send the body as application/json')
  let data: unknown
  try {
    data = JSON.parse(await readCappedText(event, options.maxBytes ?? MAX_BODY_BYTES))
  }
  catch (error) {
    if (error instanceof AppError) throw error
    throw badRequest('The request body is not valid JSON')
  }
  const parsed = schema.safeParse(data)
  // `describe`: the message names the fields (a file people upload); otherwise the first message, as forms show it.
  if (!parsed.success) throw badRequest(options.describe ? `Invalid file: ${issueText(parsed.error)}` : (parsed.error.issues[0]?.message ?? 'Invalid request body'))
  return parsed.data
}
