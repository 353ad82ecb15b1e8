// The task queue's fairness (server/utils/tasks/scheduler.ts): slots, the per-user limit,
// round-robin between users and the deadline for waiting tasks.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FairScheduler, type Job, type SchedulerLimits } from '../../server/utils/tasks/scheduler'

/** A scheduler whose jobs run until the test finishes them, recording the order they started in. */
function harness(limits: Partial<SchedulerLimits> = {}) {
  const started: string[] = []
  const expired: string[] = []
  const finishers = new Map<string, () => void>()
  const scheduler = new FairScheduler<Job>(
    () => ({ concurrency: 2, perUser: 100, queueTimeoutMs: 60_000, ...limits }),
    {
      run: job => new Promise<void>((resolve) => {
        started.push(job.id)
        finishers.set(job.id, resolve)
      }),
      expire: job => expired.push(job.id),
    },
  )
  let n = 0
  const add = (ownerId: string, count = 1) => {
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      if (!scheduler.reserve(ownerId)) throw new Error(`no place for ${ownerId}`)
      const id = `${ownerId}${++n}`
      scheduler.enqueue({ id, ownerId })
      ids.push(id)
    }
    return ids
  }
  /** Ends a running job and lets the scheduler start the next ones. */
  const finish = async (id: string) => {
    finishers.get(id)!()
    // Lets the promise chain after the job (.catch, .finally) run.
    await new Promise(resolve => setImmediate(resolve))
  }
  return { scheduler, started, expired, add, finish }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('FairScheduler', () => {
  it('runs at most `concurrency` jobs at once and starts the next when one ends', async () => {
    const { started, add, finish } = harness({ concurrency: 2 })
    add('a', 3)
    expect(started).toEqual(['a1', 'a2'])
    await finish('a1')
    expect(started).toEqual(['a1', 'a2', 'a3'])
  })

  it('takes turns between users: one user\'s 300 waiting jobs do not delay another user\'s one', async () => {
    const { started, add, finish } = harness({ concurrency: 1, perUser: 1000 })
    add('a', 300)
    const [b] = add('b')
    const [c] = add('c', 2)
    expect(started).toEqual(['a1'])
    await finish('a1')
    // The first free slot goes to b, whose job came after all of a's.
    expect(started.at(-1)).toBe(b)
    await finish(b!)
    expect(started.at(-1)).toBe(c)
    await finish(c!)
    // Then a again (its turn), then c's second, then a, a, …
    expect(started.at(-1)).toBe('a2')
    await finish('a2')
    expect(started.at(-1)).toBe('c303')
    await finish('c303')
    expect(started.at(-1)).toBe('a3')
  })

  it('refuses a reservation over the per-user limit, counting waiting and running jobs, and frees it when one ends', async () => {
    const { scheduler, add, finish } = harness({ concurrency: 1, perUser: 3 })
    add('a', 3)
    expect(scheduler.heldBy('a')).toBe(3)
    expect(scheduler.reserve('a')).toBe(false)
    // Another user is not affected by a's limit.
    expect(scheduler.reserve('b')).toBe(true)
    scheduler.release('b')
    await finish('a1')
    expect(scheduler.heldBy('a')).toBe(2)
    expect(scheduler.reserve('a')).toBe(true)
  })

  it('a removed (cancelled) waiting job never runs and gives its place back', async () => {
    const { scheduler, started, add, finish } = harness({ concurrency: 1, perUser: 2 })
    add('a', 2)
    expect(scheduler.remove('a2')).toBe(true)
    expect(scheduler.remove('a1')).toBe(false)
    expect(scheduler.heldBy('a')).toBe(1)
    await finish('a1')
    expect(started).toEqual(['a1'])
    expect(scheduler.heldBy('a')).toBe(0)
  })

  it('expires a job that waits past the deadline, and only a waiting one', async () => {
    vi.useFakeTimers()
    const { scheduler, started, expired, add } = harness({ concurrency: 1, queueTimeoutMs: 50 })
    add('a', 2)
    vi.advanceTimersByTime(49)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    // a1 runs (no deadline once started); a2 waited 50 ms for the slot.
    expect(expired).toEqual(['a2'])
    expect(started).toEqual(['a1'])
    expect(scheduler.heldBy('a')).toBe(1)
  })

  it('removeWhere takes out the matching waiting jobs', () => {
    const { scheduler, started, add } = harness({ concurrency: 1 })
    add('a', 3)
    const removed = scheduler.removeWhere(job => job.id !== 'a2')
    expect(removed.map(job => job.id)).toEqual(['a3'])
    expect(started).toEqual(['a1'])
    expect(scheduler.heldBy('a')).toBe(2)
  })
})
