import { randomBytes } from 'node:crypto'

/** Opaque, URL-safe ids with a short prefix that tells what they name. */
export function newId(prefix: 'usr' | 'ses' | 'tp' | 'msg' | 'tsk'): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`
}
