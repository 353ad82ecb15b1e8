// The task queue on BullMQ (REDIS_URL): a job per task, workers in every instance (unless
// APP_ROLE=web) and in separate worker processes. Fairness: a user's k-th waiting task gets priority
// k, so users take turns. Cancel reaches the worker running the job over the control channel. A job
// whose worker died is failed by BullMQ's stall check (maxStalledCount 0): never left running, never
// retried (a task may have had effects). Results reach every instance through the event layer.
import { Queue, QueueEvents, Worker, type Job } from 'bullmq'
import IORedis from 'ioredis'
import type { TaskRow } from '../../database/schema'
import { onControl, sendControl } from '../bus'
import { useConfig } from '../config'
import { countActiveTasks, findTask } from '../storage/tasks'
import { changeTask, executeTask, INTERRUPTED, outcomeOf, queueTimeout, tooManyTasks, type TaskOutcome } from './execute'
import type { NewTask, TaskHandle, TaskQueue } from './queue-types'

const QUEUE = 'tasks'
// BullMQ's priorities run from 1 (first) to 2^21.
const MAX_PRIORITY = 2_097_152
/** A job's lock, renewed by its worker at half this; a dead worker's job is failed within about twice it. */
const LOCK_MS = 8_000
/** How long a cancel waits for the running job to end before the row is ended here. */
const CANCEL_WAIT_MS = 3_000

interface JobData {
  taskId: string
}

function connection(url: string) {
  // BullMQ's blocking commands need ioredis to retry for ever rather than fail them.
  const redis = new IORedis(url, { maxRetriesPerRequest: null })
  redis.on('error', () => {})
  return redis
}

export function createBullQueue(options: { runWorkers: boolean }): TaskQueue {
  const { REDIS_URL, REDIS_PREFIX, TASK_CONCURRENCY, TASKS_PER_USER, TASK_QUEUE_TIMEOUT_SECONDS } = useConfig()
  const prefix = `${REDIS_PREFIX}bull`
  const commands = connection(REDIS_URL!)
  const queue = new Queue<JobData>(QUEUE, { connection: commands, prefix })
  const events = new QueueEvents(QUEUE, { connection: connection(REDIS_URL!), prefix })
  const active = new Map<string, AbortController>()
  const waiters = new Map<string, ((outcome: TaskOutcome) => void)[]>()

  async function wake(taskId: string) {
    const list = waiters.get(taskId)
    if (!list) return
    const row = await findTask(taskId)
    if (!row || row.status === 'pending' || row.status === 'running') return
    waiters.delete(taskId)
    for (const resolve of list) resolve(outcomeOf(row))
  }

  function waitForEnd(row: TaskRow): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      waiters.set(row.id, [...(waiters.get(row.id) ?? []), resolve])
    })
  }

  // A job's end, seen by every instance: wake the replies that wait for it. A job that failed
  // outside the processor (its worker died: the stall check) fails its row here, once for all.
  events.on('completed', ({ jobId }) => void wake(jobId))
  events.on('removed', ({ jobId }) => void wake(jobId))
  events.on('failed', ({ jobId }) => void changeTask(jobId, { status: 'failed', error: INTERRUPTED }).finally(() => wake(jobId)))
  /**
   * Jobs whose worker died: active, but their lock (renewed by a live worker) has expired. BullMQ's
   * own stall check runs in workers only; this runs on every instance, web ones too, so a dead
   * worker's task ends failed even when no other worker is left.
   */
  async function failAbandoned() {
    for (const job of await queue.getJobs(['active'])) {
      if (!job.id || active.has(job.id) || await commands.exists(`${prefix}:${QUEUE}:${job.id}:lock`)) continue
      await changeTask(job.id, { status: 'failed', error: INTERRUPTED })
      void wake(job.id)
    }
  }

  // Events can be missed (a Redis blip): a slow look at the rows still waited for, and at dead workers.
  const sweep = setInterval(() => {
    void Promise.all([...waiters.keys()].map(wake)).catch(() => {})
    void failAbandoned().catch(error => console.warn('[tasks] abandoned-job check failed:', error.message))
  }, LOCK_MS / 2)
  sweep.unref()

  async function process(job: Job<JobData>, _token?: string, signal?: AbortSignal): Promise<string> {
    const row = await findTask(job.data.taskId)
    if (!row || row.status !== 'pending') return 'skipped'
    if (Date.now() - job.timestamp > TASK_QUEUE_TIMEOUT_SECONDS * 1000) {
      await changeTask(row.id, { status: 'failed', error: queueTimeout() })
      return 'expired'
    }
    const controller = new AbortController()
    signal?.addEventListener('abort', () => controller.abort(signal.reason === 'shutdown' ? 'shutdown' : 'cancel'), { once: true })
    active.set(row.id, controller)
    try {
      return (await executeTask(row, controller)).status
    }
    finally {
      active.delete(row.id)
    }
  }

  const worker = options.runWorkers
    ? new Worker<JobData>(QUEUE, process, { connection: connection(REDIS_URL!), prefix, concurrency: TASK_CONCURRENCY, maxStalledCount: 0, lockDuration: LOCK_MS, stalledInterval: LOCK_MS, removeOnComplete: { count: 0 }, removeOnFail: { count: 0 } })
    : undefined
  worker?.on('error', error => console.warn('[tasks] worker error:', error.message))

  onControl((message) => {
    if (message.op === 'cancel-task') active.get(message.taskId)?.abort('cancel')
    if (message.op === 'abort-topic') {
      for (const [taskId, controller] of active) {
        void findTask(taskId).then(row => row?.topicId === message.topicId && controller.abort('cancel'))
      }
    }
  })

  async function removeWaiting(taskId: string): Promise<boolean> {
    const job = await queue.getJob(taskId)
    const state = await job?.getState()
    if (!job || !['waiting', 'prioritized', 'delayed'].includes(state ?? '')) return false
    try {
      await job.remove()
      return true
    }
    catch {
      // Taken by a worker meanwhile.
      return false
    }
  }

  return {
    async start(ownerId: string, create: () => Promise<NewTask>): Promise<TaskHandle> {
      const held = await countActiveTasks(ownerId)
      if (held >= TASKS_PER_USER) throw tooManyTasks()
      const { row } = await create()
      const done = waitForEnd(row)
      await queue.add('run', { taskId: row.id }, { jobId: row.id, priority: Math.min(held + 1, MAX_PRIORITY), removeOnComplete: true, removeOnFail: true, attempts: 1 })
      return { row, done }
    },
    async cancel(row: TaskRow) {
      if (row.status === 'pending' && await removeWaiting(row.id)) {
        await changeTask(row.id, { status: 'cancelled' })
        return void wake(row.id)
      }
      sendControl({ op: 'cancel-task', taskId: row.id })
      // The worker that runs it ends it; if none does (it died), the row ends here.
      const deadline = Date.now() + CANCEL_WAIT_MS
      while (Date.now() < deadline) {
        const current = await findTask(row.id)
        if (!current || (current.status !== 'pending' && current.status !== 'running')) return
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      await changeTask(row.id, { status: 'cancelled' })
      void wake(row.id)
    },
    abortTopic(topicId: string) {
      // Waiting jobs of the topic find no row (it goes with the topic) and are skipped.
      sendControl({ op: 'abort-topic', topicId })
    },
    runningCount: () => active.size,
    async close() {
      clearInterval(sweep)
      for (const controller of active.values()) controller.abort('shutdown')
      await worker?.close()
      await Promise.all([queue.close(), events.close()])
    },
  }
}
