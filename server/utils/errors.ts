// The one error type of the server: a stable wire code and a readable message.
import { createError } from 'h3'
import type { ErrorCode } from '#shared/protocol'

/** The socket's codes (DESIGN.md), plus two that only HTTP answers use. */
export type AppErrorCode = ErrorCode | 'unauthorized' | 'conflict'

export class AppError extends Error {
  constructor(public readonly code: AppErrorCode, message: string) {
    super(message)
    this.name = 'AppError'
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`)
export const badRequest = (message: string) => new AppError('bad_request', message)

const httpStatus: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  conflict: 409,
  not_found: 404,
  forbidden: 403,
  rate_limited: 429,
  too_large: 413,
  agent_unavailable: 503,
  internal: 500,
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error
  console.error('[internal]', error)
  return new AppError('internal', 'Something went wrong on the server')
}

/** The code an error frame carries: the HTTP-only codes fold into the socket's own. */
export function socketCode(code: AppErrorCode): ErrorCode {
  return code === 'unauthorized' ? 'forbidden' : code === 'conflict' ? 'bad_request' : code
}

export function httpStatusOf(code: AppErrorCode): number {
  return httpStatus[code]
}

/** Turns an AppError into an h3 error for the HTTP handlers, with the same `{code, message}` body. */
export function toHttpError(error: unknown) {
  const appError = toAppError(error)
  return createError({
    statusCode: httpStatus[appError.code],
    statusMessage: appError.message,
    data: { code: appError.code, message: appError.message },
  })
}
