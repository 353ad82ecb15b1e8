// The in-process task queue: stores every life-cycle change, publishes it as task.updated, enforces
// each kind's time limit and honours cancel. At most `concurrency` tasks run at once; the rest wait pending.
import { serverFrame, type MessageError, type TaskResult } from '#shared/protocol'
import type { TaskRow } from '../../database/schema'
import { publishToUser } from '../bus'
import { useConfig } from '../config'
import { AppError, badRequest } from '../errors'
import { toTask } from '../storage/mappers'
import { allMessages } from '../storage/messages'
import { insertTask, requireTask, updateTask, type TaskChange } from '../storage/tasks'
import { getTaskKind } from './kinds'
import { TaskFailure } from './types'

export interface TaskOutcome {
  task: TaskRow
  result?: TaskResult
  error?: MessageError
}

interface QueuedTask {
  row: TaskRow
  controller: AbortController
  done: Promise<TaskOutcome>
  resolve: (outcome: TaskOutcome) => void
}

const concurrency = 4
const live = new Map<string, QueuedTask>()
const waiting: QueuedTask[] = []
let running = 0

async function change(task: QueuedTask, values: TaskChange): Promise<TaskRow | undefined> {
  const row = await updateTask(task.row.id, values)
  if (row) {
    task.row = row
    publishToUser(row.ownerId, serverFrame('task.updated', { task: toTask(row) }))
  }
  return row
}

export interface StartTask {
  ownerId: string
  topicId: string
  messageId?: string
  kind: string
  input: unknown
}

/** Validates and stores a task, then queues it. `done` settles when it completes, fails or is cancelled. */
export async function startTask(request: StartTask): Promise<QueuedTask> {
  const kind = getTaskKind(request.kind)
  if (!kind) throw badRequest(`Unknown task kind "${request.kind}"`)
  const parsed = kind.input.safeParse(request.input)
  if (!parsed.success) throw badRequest(`Invalid input for ${request.kind}: ${parsed.error.issues[0]?.message}`)
  const row = await insertTask({ ...request, title: kind.title(parsed.data), input: parsed.data })
  publishToUser(row.ownerId, serverFrame('task.updated', { task: toTask(row) }))
  let resolve!: (outcome: TaskOutcome) => void
  const done = new Promise<TaskOutcome>(r => (resolve = r))
  const task: QueuedTask = { row, controller: new AbortController(), done, resolve }
  live.set(row.id, task)
  waiting.push(task)
  pump()
  return task
}

function pump() {
  while (running < concurrency && waiting.length) {
    const task = waiting.shift()!
    if (task.controller.signal.aborted) continue
    running++
    void execute(task).finally(() => {
      running--
      live.delete(task.row.id)
      pump()
    })
  }
}

function failureOf(error: unknown, signal: AbortSignal, timeoutMs: number): MessageError {
  if (signal.aborted && signal.reason === 'timeout') return { code: 'timeout', message: `Timed out after ${timeoutMs / 1000} s` }
  if (error instanceof TaskFailure) return { code: error.code, message: error.message }
  if (error instanceof AppError) return { code: error.code, message: error.message }
  console.error('[task] runner crashed', error)
  return { code: 'internal', message: 'The task crashed unexpectedly' }
}

async function execute(task: QueuedTask) {
  const kind = getTaskKind(task.row.kind)!
  const timeoutMs = Math.min(kind.timeoutMs, useConfig().TASK_TIMEOUT_SECONDS * 1000)
  const { signal } = task.controller
  const timer = setTimeout(() => task.controller.abort('timeout'), timeoutMs)
  let lastProgress = 0
  try {
    if (!(await change(task, { status: 'running', progress: 0 }))) return
    const timedOut = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    const result = await Promise.race([
      kind.run(task.row.input, {
        signal,
        progress: (value) => {
          const now = Date.now()
          if (now - lastProgress < 100 || signal.aborted) return
          lastProgress = now
          void change(task, { progress: Math.max(0, Math.min(1, value)) })
        },
        loadConversation: async () => (await allMessages(task.row.topicId))
          .filter(m => m.status !== 'failed' && m.content)
          .map(m => ({ role: m.role, content: m.content })),
      }),
      timedOut,
    ])
    await change(task, { status: 'completed', progress: 1, result })
  }
  catch (error) {
    if (signal.aborted && signal.reason === 'cancel') await change(task, { status: 'cancelled' })
    else await change(task, { status: 'failed', error: failureOf(error, signal, timeoutMs) })
  }
  finally {
    clearTimeout(timer)
    task.resolve({ task: task.row, result: task.row.result ?? undefined, error: task.row.error ?? undefined })
  }
}

/** Cancels a pending or running task of the owner; a task that already ended is left as it is. */
export async function cancelTask(ownerId: string, taskId: string): Promise<void> {
  const row = await requireTask(ownerId, taskId)
  const task = live.get(row.id)
  if (!task) {
    if (row.status === 'pending' || row.status === 'running') {
      const updated = await updateTask(row.id, { status: 'cancelled' })
      if (updated) publishToUser(ownerId, serverFrame('task.updated', { task: toTask(updated) }))
    }
    return
  }
  const wasWaiting = waiting.indexOf(task)
  task.controller.abort('cancel')
  if (wasWaiting >= 0) {
    waiting.splice(wasWaiting, 1)
    live.delete(task.row.id)
    await change(task, { status: 'cancelled' })
    task.resolve({ task: task.row })
  }
}

/** Cancels what runs for a topic that is going away; their rows go with the topic. */
export function abortTopicTasks(topicId: string) {
  for (const task of live.values()) {
    if (task.row.topicId === topicId) task.controller.abort('cancel')
  }
}
