// Where a request comes from and which origin it addressed. Forwarded headers (X-Forwarded-Proto,
// -Host, -For) are believed only with TRUST_PROXY=1: without a proxy that overwrites them, any
// client could write them. docs/security.md ("Origin") explains the settings.
import { getRequestHeader, type H3Event } from 'h3'
import { useConfig } from './config'

type HeaderSource = Headers | H3Event

function header(source: HeaderSource, name: string): string | undefined {
  const value = source instanceof Headers ? source.get(name) : getRequestHeader(source, name)
  return value ?? undefined
}

/** The first value of a comma-separated forwarded header. */
function firstForwarded(source: HeaderSource, name: string): string | undefined {
  return header(source, name)?.split(',')[0]?.trim() || undefined
}

function requestScheme(source: HeaderSource): 'http' | 'https' {
  const { TRUST_PROXY } = useConfig()
  const forwarded = TRUST_PROXY ? firstForwarded(source, 'x-forwarded-proto') : undefined
  if (forwarded === 'https' || forwarded === 'http') return forwarded
  // Nitro's node server speaks TLS itself only when given a certificate.
  return process.env.NITRO_SSL_CERT && process.env.NITRO_SSL_KEY ? 'https' : 'http'
}

/** The app's own origin for this request: PUBLIC_ORIGIN, else what the request addressed. */
export function appOrigin(source: HeaderSource): string | null {
  const { PUBLIC_ORIGIN, TRUST_PROXY } = useConfig()
  if (PUBLIC_ORIGIN) return PUBLIC_ORIGIN
  const host = (TRUST_PROXY ? firstForwarded(source, 'x-forwarded-host') : undefined) ?? header(source, 'host')
  if (!host) return null
  try {
    return new URL(`${requestScheme(source)}://${host}`).origin
  }
  catch {
    return null
  }
}

/** An exact match (scheme, host and port) with the app's origin or one of ALLOWED_ORIGINS. */
export function isAllowedOrigin(origin: string | null | undefined, source: HeaderSource): boolean {
  if (!origin || origin === 'null') return false
  const own = appOrigin(source)
  return origin === own || useConfig().ALLOWED_ORIGINS.includes(origin)
}

/** Whether cookies set for this request should be Secure. */
export function isSecureRequest(source: HeaderSource): boolean {
  return (useConfig().PUBLIC_ORIGIN ?? '').startsWith('https:') || requestScheme(source) === 'https'
}

/** The client's address for per-address limits: the proxy's X-Forwarded-For only with TRUST_PROXY. */
export function clientAddress(event: H3Event): string {
  const forwarded = useConfig().TRUST_PROXY ? firstForwarded(event, 'x-forwarded-for') : undefined
  return forwarded ?? event.node.req.socket.remoteAddress ?? 'unknown'
}
