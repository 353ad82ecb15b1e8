// Password hashing: argon2id with OWASP's settings (19 MiB, 2 passes, 1 lane). The work runs on
// libuv's thread pool, so a log-in never blocks the event loop.
import { hash, verify } from '@node-rs/argon2'

// algorithm 2 is Argon2id: the package's enum is a const enum that isolated modules cannot import.
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export function argon2idHash(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

let dummyHash: Promise<string> | undefined

/**
 * Whether `password` is the one `stored` was made from. With no stored hash (an unknown email, a
 * guest), a dummy hash is checked instead, so that the answer takes as long either way.
 */
export async function passwordMatches(stored: string | null | undefined, password: string): Promise<boolean> {
  dummyHash ??= argon2idHash('not the password of anyone')
  const ok = await verify(stored ?? await dummyHash, password).catch(() => false)
  return ok && !!stored
}
