// Reconnect timing of the socket (plugins/socket.client.ts): exponential with jitter, so that a
// restarted server is not met by every browser at the same instant.

/** Milliseconds to wait before reconnect attempt `attempt` (0-based): half to all of min(15 s, 0.5 s × 2^attempt). */
export function backoffDelay(attempt: number, random = Math.random()): number {
  const ceiling = Math.min(15_000, 500 * 2 ** attempt)
  return Math.round(ceiling / 2 + (ceiling / 2) * random)
}

/** A random id; crypto.randomUUID exists only in secure contexts (https, localhost), not on a LAN over http. */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), byte => byte.toString(16).padStart(2, '0')).join('')
}
