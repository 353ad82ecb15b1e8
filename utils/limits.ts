// Limits of the protocol that the first paint needs, from shared/limits.ts (no zod).
import { LIMITS } from '#shared/limits'

/** LIMITS.messageChars: the longest message the server accepts. */
export const MESSAGE_MAX_CHARS = LIMITS.messageChars
