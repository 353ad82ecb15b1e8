import { describe, expect, it } from 'vitest'
import { sweepIntervalMs } from '../../server/utils/cleanup'

describe('sweepIntervalMs', () => {
  it('sweeps every 60 s for long timeouts', () => {
    expect(sweepIntervalMs(1440)).toBe(60_000)
    expect(sweepIntervalMs(2)).toBe(60_000)
  })

  it('sweeps every half timeout for short ones', () => {
    expect(sweepIntervalMs(1)).toBe(30_000)
    expect(sweepIntervalMs(1.5)).toBe(45_000)
    expect(sweepIntervalMs(0.1)).toBe(3_000)
    expect(sweepIntervalMs(0.01)).toBe(300)
  })

  it('never sweeps more often than every 250 ms', () => {
    expect(sweepIntervalMs(0.001)).toBe(250)
    expect(sweepIntervalMs(0.0001)).toBe(250)
  })

  it('is at most half the timeout whenever the floor allows, so an idle guest goes within 1.5 timeouts', () => {
    for (const minutes of [0.01, 0.05, 0.5, 1, 1.9, 3, 60, 1440]) {
      const timeoutMs = minutes * 60_000
      const interval = sweepIntervalMs(minutes)
      expect(interval).toBeLessThanOrEqual(Math.max(250, timeoutMs / 2))
      expect(interval).toBeLessThanOrEqual(60_000)
    }
  })
})
