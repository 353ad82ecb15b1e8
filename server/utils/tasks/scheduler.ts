// Who runs next, in memory: a fixed number of slots shared fairly between users. Each user may hold
// a few tasks (waiting or running), users take turns for free slots (a free slot goes to the waiting
// user served longest ago, so one user's hundred tasks do not delay another's one), and a task that
// waits too long expires. It knows
// nothing of storage or frames: the queue (queue.ts) stores and announces what happens here.

export interface SchedulerLimits {
  /** Tasks running at once, all users together. */
  concurrency: number
  /** Tasks one user may have waiting or running. */
  perUser: number
  /** How long a task may wait for a slot. */
  queueTimeoutMs: number
}

export interface Job {
  id: string
  ownerId: string
}

export interface SchedulerHooks<J extends Job> {
  /** Runs a job in a slot; the slot is free again when the promise settles. */
  run: (job: J) => Promise<void>
  /** A job that waited past the deadline; it has left the scheduler. */
  expire: (job: J) => void
}

export class FairScheduler<J extends Job> {
  /** Waiting jobs per user, oldest first. */
  private readonly waiting = new Map<string, J[]>()
  /** When each user holding jobs last got a slot (a count of slots given); never = before all. */
  private readonly served = new Map<string, number>()
  private slotsGiven = 0
  private readonly deadlines = new Map<string, ReturnType<typeof setTimeout>>()
  /** Per user: reserved, waiting and running jobs. */
  private readonly held = new Map<string, number>()
  private running = 0

  constructor(private readonly limits: () => SchedulerLimits, private readonly hooks: SchedulerHooks<J>) {}

  /**
   * Holds a place for a job of the user before it exists (storing it takes a while), so that two
   * jobs started at once cannot both pass the limit. False when the user has no place left.
   */
  reserve(ownerId: string): boolean {
    const held = this.held.get(ownerId) ?? 0
    if (held >= this.limits().perUser) return false
    this.held.set(ownerId, held + 1)
    return true
  }

  /** Gives back a place that `reserve` held and that no job took. */
  release(ownerId: string) {
    const held = (this.held.get(ownerId) ?? 0) - 1
    if (held > 0) return void this.held.set(ownerId, held)
    this.held.delete(ownerId)
    this.served.delete(ownerId)
  }

  /** Queues a job on a place held by `reserve`; it runs when a slot is free and it is its user's turn. */
  enqueue(job: J) {
    const jobs = this.waiting.get(job.ownerId)
    if (jobs) jobs.push(job)
    else this.waiting.set(job.ownerId, [job])
    const timer = setTimeout(() => this.expire(job), this.limits().queueTimeoutMs)
    timer.unref?.()
    this.deadlines.set(job.id, timer)
    this.pump()
  }

  /** Takes a waiting job out (cancelled); false when it is not waiting (running or gone). */
  remove(jobId: string): boolean {
    for (const [ownerId, jobs] of this.waiting) {
      const index = jobs.findIndex(job => job.id === jobId)
      if (index < 0) continue
      jobs.splice(index, 1)
      if (!jobs.length) this.waiting.delete(ownerId)
      this.leave(jobId, ownerId)
      return true
    }
    return false
  }

  /** Waiting jobs that match, taken out (their topic is going away). */
  removeWhere(match: (job: J) => boolean): J[] {
    const removed = [...this.waiting.values()].flat().filter(match)
    for (const job of removed) this.remove(job.id)
    return removed
  }

  /** How many jobs the user holds (reserved, waiting or running). */
  heldBy(ownerId: string): number {
    return this.held.get(ownerId) ?? 0
  }

  private leave(jobId: string, ownerId: string) {
    clearTimeout(this.deadlines.get(jobId))
    this.deadlines.delete(jobId)
    this.release(ownerId)
  }

  private expire(job: J) {
    if (this.remove(job.id)) this.hooks.expire(job)
  }

  /** The user whose turn it is: waiting, and served longest ago (the first to arrive among equals). */
  private nextOwner(): string | undefined {
    let next: string | undefined
    let oldest = Number.POSITIVE_INFINITY
    for (const ownerId of this.waiting.keys()) {
      const served = this.served.get(ownerId) ?? -1
      if (served < oldest) [next, oldest] = [ownerId, served]
    }
    return next
  }

  /** The oldest waiting job of the user whose turn it is, out of the waiting list and off its deadline. */
  private nextJob(): J | undefined {
    const ownerId = this.nextOwner()
    if (ownerId === undefined) return undefined
    const jobs = this.waiting.get(ownerId)!
    const job = jobs.shift()!
    if (!jobs.length) this.waiting.delete(ownerId)
    this.served.set(ownerId, this.slotsGiven++)
    clearTimeout(this.deadlines.get(job.id))
    this.deadlines.delete(job.id)
    return job
  }

  private pump() {
    while (this.running < this.limits().concurrency) {
      const job = this.nextJob()
      if (!job) return
      this.running++
      void this.hooks.run(job)
        .catch(error => console.error('[tasks] a job failed outside its runner', error))
        .finally(() => {
          this.running--
          this.release(job.ownerId)
          this.pump()
        })
    }
  }
}
