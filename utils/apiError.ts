// Errors of the JSON API as the pages show them.

interface ApiFailure {
  data?: { code?: string, message?: string }
  statusCode?: number
}

/** The readable message of a failed API call: the server's `{code, message}`, else a generic one. */
export function apiErrorMessage(error: unknown): string {
  const failure = error as ApiFailure
  if (failure.data?.message) return failure.data.message
  return failure.statusCode ? `The request failed (${failure.statusCode}). Try again.` : 'The server cannot be reached. Check your connection and try again.'
}
