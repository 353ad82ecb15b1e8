// Limits of shared/protocol.ts that the first paint needs, without importing that module (and zod
// with it) into the app's entry. tests/unit/limits.test.ts keeps them equal to the protocol's.

/** LIMITS.messageChars: the longest message the server accepts. */
export const MESSAGE_MAX_CHARS = 32_000
