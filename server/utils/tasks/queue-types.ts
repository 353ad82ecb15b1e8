// What a task queue offers, in process or on BullMQ (queue.ts picks one).
import type { TaskRow } from '../../database/schema'
import type { TaskOutcome } from './execute'

/** A started task: its stored row and its end. */
export interface TaskHandle {
  readonly row: TaskRow
  readonly done: Promise<TaskOutcome>
}

export interface NewTask {
  row: TaskRow
}

export interface TaskQueue {
  /** Admits a task of the user (or throws rate_limited), stores it with `create`, queues it. */
  start: (ownerId: string, create: () => Promise<NewTask>) => Promise<TaskHandle>
  /** Cancels a pending or running task, wherever it is. */
  cancel: (row: TaskRow) => Promise<void>
  /** Cancels what waits or runs for a topic that is going away. */
  abortTopic: (topicId: string) => void
  /** Tasks running in this process (the shutdown drain waits for them). */
  runningCount: () => number
  /** Shutdown: ends what still runs here as interrupted and releases connections. */
  close: () => Promise<void>
}
