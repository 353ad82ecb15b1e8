// Tasks people and agents start: validated, stored, queued, run, and every change announced. The
// queue is in process by default (local-queue.ts) and on BullMQ when REDIS_URL is set
// (bull-queue.ts); both offer the same small interface (queue-types.ts).
import { useConfig } from '../config'
import { badRequest } from '../errors'
import { announce } from '../events'
import { onShutdown, waitUntil } from '../lifecycle'
import { insertTask, requireTask } from '../storage/tasks'
import { createBullQueue } from './bull-queue'
import { getTaskKind } from './kinds'
import { createLocalQueue } from './local-queue'
import type { TaskHandle, TaskQueue } from './queue-types'

let queue: TaskQueue | undefined

function useTaskQueue(): TaskQueue {
  if (queue) return queue
  const config = useConfig()
  queue = config.REDIS_URL ? createBullQueue({ runWorkers: config.APP_ROLE !== 'web' }) : createLocalQueue()
  const current = queue
  // Running tasks get the drain time too; what is left ends as interrupted.
  onShutdown('drain', 'tasks', deadline => waitUntil(() => current.runningCount() === 0, deadline))
  onShutdown('close', 'tasks', () => current.close())
  return queue
}

/** Starts the queue's workers now (start-up), rather than with the first task. */
export function startTaskQueue() {
  useTaskQueue()
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
  return useTaskQueue().start(request.ownerId, async () => {
    const row = await insertTask({ ...request, title: kind.title(parsed.data), input: parsed.data })
    announce.taskUpdated(row)
    return { row }
  })
}

/** Cancels a pending or running task of the owner; a task that already ended is left as it is. */
export async function cancelTask(ownerId: string, taskId: string): Promise<void> {
  const row = await requireTask(ownerId, taskId)
  if (row.status !== 'pending' && row.status !== 'running') return
  await useTaskQueue().cancel(row)
}

/** Cancels what waits or runs for a topic that is going away; their rows go with the topic. */
export function abortTopicTasks(topicId: string) {
  useTaskQueue().abortTopic(topicId)
}
