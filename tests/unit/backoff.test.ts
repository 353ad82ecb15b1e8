import { describe, expect, it } from 'vitest'
import { backoffDelay, randomId } from '../../utils/backoff'

describe('backoffDelay', () => {
  it('starts around half a second', () => {
    expect(backoffDelay(0, 0)).toBe(250)
    expect(backoffDelay(0, 1)).toBe(500)
  })

  it('doubles its ceiling with each attempt', () => {
    expect([0, 1, 2, 3, 4].map(a => backoffDelay(a, 1))).toEqual([500, 1_000, 2_000, 4_000, 8_000])
  })

  it('is bounded by 15 s however many attempts failed', () => {
    for (const attempt of [5, 6, 10, 50, 1_000]) {
      expect(backoffDelay(attempt, 1)).toBe(15_000)
      expect(backoffDelay(attempt, 0)).toBe(7_500)
    }
  })

  it('keeps the jitter within [ceiling / 2, ceiling]', () => {
    for (const attempt of [0, 2, 4, 8]) {
      const ceiling = Math.min(15_000, 500 * 2 ** attempt)
      for (const random of [0, 0.25, 0.5, 0.999]) {
        const delay = backoffDelay(attempt, random)
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
        expect(delay).toBeLessThanOrEqual(ceiling)
      }
    }
  })

  it('spreads reconnects by the random value', () => {
    expect(backoffDelay(3, 0.5)).toBe(3_000)
    expect(backoffDelay(3, 0.1)).toBeLessThan(backoffDelay(3, 0.9))
  })

  it('uses Math.random when no value is given', () => {
    const delay = backoffDelay(2)
    expect(delay).toBeGreaterThanOrEqual(1_000)
    expect(delay).toBeLessThanOrEqual(2_000)
  })
})

describe('randomId', () => {
  it('gives distinct ids, also without crypto.randomUUID (plain http on a LAN)', () => {
    const ids = new Set(Array.from({ length: 50 }, () => randomId()))
    expect(ids.size).toBe(50)
    const original = crypto.randomUUID
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true })
    try {
      const id = randomId()
      expect(id).toMatch(/^[0-9a-f]{32}$/)
      expect(randomId()).not.toBe(id)
    }
    finally {
      Object.defineProperty(crypto, 'randomUUID', { value: original, configurable: true })
    }
  })
})
