// upstream.ts silenceWatch: the first-token and mid-stream timeout of provider replies.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { silenceWatch } from '../../server/utils/agents/upstream'
import { AgentFailure } from '../../server/utils/agents/types'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('silenceWatch', () => {
  it('aborts with a timeout failure when nothing happens for the whole time', () => {
    const watch = silenceWatch(2_000)
    vi.advanceTimersByTime(1_999)
    expect(watch.signal.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(watch.signal.aborted).toBe(true)
    expect(watch.signal.reason).toBeInstanceOf(AgentFailure)
    expect(watch.signal.reason).toMatchObject({ code: 'timeout', message: 'The provider sent nothing for 2 s.' })
  })

  it('starts over on every sign of life', () => {
    const watch = silenceWatch(1_000)
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(900)
      watch.touch()
    }
    expect(watch.signal.aborted).toBe(false)
    vi.advanceTimersByTime(999)
    expect(watch.signal.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(watch.signal.aborted).toBe(true)
  })

  it('waits as long as it takes while held (a tool runs), then gives the full time again', () => {
    const watch = silenceWatch(1_000)
    vi.advanceTimersByTime(500)
    watch.hold()
    vi.advanceTimersByTime(60_000)
    expect(watch.signal.aborted).toBe(false)
    watch.release()
    vi.advanceTimersByTime(999)
    expect(watch.signal.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(watch.signal.aborted).toBe(true)
  })

  it('stays held until every hold is released (tools in parallel)', () => {
    const watch = silenceWatch(1_000)
    watch.hold()
    watch.hold()
    watch.release()
    vi.advanceTimersByTime(5_000)
    expect(watch.signal.aborted).toBe(false)
    watch.touch()
    vi.advanceTimersByTime(5_000)
    expect(watch.signal.aborted).toBe(false)
    watch.release()
    vi.advanceTimersByTime(1_000)
    expect(watch.signal.aborted).toBe(true)
  })

  it('never fires once stopped, whatever comes after', () => {
    const watch = silenceWatch(1_000)
    watch.stop()
    watch.touch()
    watch.hold()
    watch.release()
    vi.advanceTimersByTime(10_000)
    expect(watch.signal.aborted).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('fires once, and a late touch does not arm it again', () => {
    const watch = silenceWatch(1_000)
    const onAbort = vi.fn()
    watch.signal.addEventListener('abort', onAbort)
    vi.advanceTimersByTime(1_000)
    watch.touch()
    vi.advanceTimersByTime(5_000)
    expect(onAbort).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
  })
})
