// Tasks people and agents start: validated, stored, queued, run, and every change announced. The
// queue is in process by default (local-queue.ts) and on BullMQ when REDIS_URL is set
// (bull-queue.ts); both offer the same small interface (queue-types.ts).
import { useConfig } from '../config'
import { badRequest } from '../errors'
import { announce } from '../events'
import { onShutdown, waitUntil } from '../lifecycle'
import { insertTask, requireTask } from '../storage/tasks'
import { requireTopic } from '../storage/topics'
import { getTaskKind } from './kinds'
import { createLocalQueue } from './local-queue'
import type { TaskHandle, TaskQueue } from './queue-types'

let queue: Promise<TaskQueue> | undefined

// BullMQ (and ioredis) load only when REDIS_URL is set: importing them costs ~150 ms of start-up.
function useTaskQueue(): Promise<TaskQueue> {
  queue ??= (async () => {
    const config = useConfig()
    const current = config.REDIS_URL
      ? (await import('./bull-queue')).createBullQueue({ runWorkers: config.APP_ROLE !== 'web' })
      : createLocalQueue()
    // Running tasks get the drain time too; what is left ends as interrupted.
    onShutdown('drain', 'tasks', deadline => waitUntil(() => current.runningCount() === 0, deadline))
    onShutdown('close', 'tasks', () => current.close())
    return current
  })()
  return queue
}

/** Starts the queue's workers now (start-up), rather than with the first task. */
export async function startTaskQueue() {
  await useTaskQueue()
}

export interface StartTask {
  ownerId: string
  topicId: string
  messageId?: string
  kind: string
  input: unknown
}

/**
 * Validates and stores a task, then queues it. `done` settles when it completes, fails or is
 * cancelled. A user at their limit of tasks gets rate_limited, and nothing is stored.
 */
export async function startTask(request: StartTask): Promise<TaskHandle> {
  const kind = getTaskKind(request.kind)
  if (!kind) throw badRequest(`Unknown task kind "${request.kind}"`)
  const parsed = kind.input.safeParse(request.input)
  if (!parsed.success) throw badRequest(`Invalid input for ${request.kind}: ${parsed.error.issues[0]?.message}`)
  return (await useTaskQueue()).start(request.ownerId, async () => {
    const row = await insertTask({ ...request, title: kind.title(parsed.data), input: parsed.data })
    announce.taskUpdated(row)
    return { row }
  })
}

/** Cancels a pending or running task of the owner; a task that already ended is left as it is. */
export async function cancelTask(ownerId: string, taskId: string): Promise<void> {
  const row = await requireTask(ownerId, taskId)
  if (row.status !== 'pending' && row.status !== 'running') return
  await (await useTaskQueue()).cancel(row)
}

/** task.retry: a failed or cancelled task runs again as a new task of the same kind, input and topic. */
export async function retryTask(ownerId: string, taskId: string): Promise<void> {
  const row = await requireTask(ownerId, taskId)
  if (row.status !== 'failed' && row.status !== 'cancelled') throw badRequest('Only a failed or cancelled task can be run again')
  await requireTopic(ownerId, row.topicId)
  await startTask({ ownerId, topicId: row.topicId, kind: row.kind, input: row.input })
}

/** Cancels what waits or runs for a topic that is going away; their rows go with the topic. */
export async function abortTopicTasks(topicId: string) {
  ;(await useTaskQueue()).abortTopic(topicId)
}
