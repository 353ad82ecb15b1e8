// The in-process task queue (no REDIS_URL): slots shared fairly between users (scheduler.ts), a
// per-user limit, a deadline for waiting tasks, and cancel of waiting and running tasks.
import type { TaskRow } from '../../database/schema'
import { useConfig } from '../config'
import { changeTask, executeTask, INTERRUPTED, outcomeOf, queueTimeout, tooManyTasks, type TaskOutcome } from './execute'
import type { NewTask, TaskHandle, TaskQueue } from './queue-types'
import { FairScheduler } from './scheduler'

interface QueuedTask {
  row: TaskRow
  readonly id: string
  readonly ownerId: string
  readonly controller: AbortController
  readonly done: Promise<TaskOutcome>
  readonly resolve: (outcome: TaskOutcome) => void
}

export function createLocalQueue(): TaskQueue {
  const live = new Map<string, QueuedTask>()

  /** Waits for the task's end (it stays cancellable until then), then settles `done`. */
  async function settle(task: QueuedTask, end: Promise<TaskRow | undefined>) {
    try {
      task.row = (await end) ?? task.row
    }
    finally {
      live.delete(task.id)
      task.resolve(outcomeOf(task.row))
    }
  }

  const scheduler = new FairScheduler<QueuedTask>(
    () => {
      const config = useConfig()
      return { concurrency: config.TASK_CONCURRENCY, perUser: config.TASKS_PER_USER, queueTimeoutMs: config.TASK_QUEUE_TIMEOUT_SECONDS * 1000 }
    },
    {
      run: task => settle(task, executeTask(task.row, task.controller)),
      expire: task => void settle(task, changeTask(task.id, { status: 'failed', error: queueTimeout() })),
    },
  )

  return {
    async start(ownerId: string, create: () => Promise<NewTask>): Promise<TaskHandle> {
      // A place is held before the row exists, so that two tasks started at once cannot both pass.
      if (!scheduler.reserve(ownerId)) throw tooManyTasks()
      let row: TaskRow
      try {
        row = (await create()).row
      }
      catch (error) {
        scheduler.release(ownerId)
        throw error
      }
      let resolve!: (outcome: TaskOutcome) => void
      const done = new Promise<TaskOutcome>(r => (resolve = r))
      const task: QueuedTask = { row, id: row.id, ownerId, controller: new AbortController(), done, resolve }
      live.set(row.id, task)
      scheduler.enqueue(task)
      return { row, done }
    },
    async cancel(row: TaskRow) {
      const task = live.get(row.id)
      if (!task) {
        // Nothing in this process runs it (it ended, or a dead process left it): it ends here.
        await changeTask(row.id, { status: 'cancelled' })
        return
      }
      task.controller.abort('cancel')
      if (scheduler.remove(task.id)) await settle(task, changeTask(task.id, { status: 'cancelled' }))
    },
    abortTopic(topicId: string) {
      for (const task of scheduler.removeWhere(task => task.row.topicId === topicId)) {
        task.controller.abort('cancel')
        void settle(task, changeTask(task.id, { status: 'cancelled' })).catch(() => {})
      }
      for (const task of live.values()) {
        if (task.row.topicId === topicId) task.controller.abort('cancel')
      }
    },
    runningCount: () => live.size,
    async close() {
      // Shutdown, past the drain: what still runs ends as interrupted; waiting tasks too.
      for (const task of scheduler.removeWhere(() => true)) void settle(task, changeTask(task.id, { status: 'failed', error: INTERRUPTED }))
      for (const task of live.values()) task.controller.abort('shutdown')
      await Promise.all([...live.values()].map(task => task.done))
    },
  }
}
