import { describe, expect, it } from 'vitest'
import { LIMITS } from '#shared/protocol'
import { MESSAGE_MAX_CHARS } from '../../utils/limits'

describe('client copies of protocol limits', () => {
  it('equal the protocol\'s own', () => {
    expect(MESSAGE_MAX_CHARS).toBe(LIMITS.messageChars)
  })
})
