import { describe, expect, it } from 'vitest'
import { argon2idHash, passwordMatches } from '../../server/utils/passwords'

describe('passwords', () => {
  it('hashes with argon2id at OWASP settings, salted', async () => {
    const [a, b] = await Promise.all([argon2idHash('correct horse'), argon2idHash('correct horse')])
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(a).not.toBe(b)
  })

  it('matches only the right password; no stored hash never matches', async () => {
    const stored = await argon2idHash('correct horse')
    expect(await passwordMatches(stored, 'correct horse')).toBe(true)
    expect(await passwordMatches(stored, 'correct horsE')).toBe(false)
    expect(await passwordMatches(null, 'not the password of anyone')).toBe(false)
    expect(await passwordMatches('not a hash', 'x')).toBe(false)
  })
})
