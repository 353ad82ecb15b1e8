// The in-process task queue: stores every life-cycle change, publishes it as task.updated, enforces
// each kind's time limit and honours cancel. Slots are shared fairly between users (scheduler.ts),
// and every result and error is capped in size here, before it is stored or sent.
// Its public face (startTask, cancelTask, abortTopicTasks, a handle with `done`) is what a
// Redis-backed queue would offer too.
import { serverFrame, type MessageError, type TaskResult } from '#shared/protocol'
import type { TaskRow } from '../../database/schema'
import { publishToUser } from '../bus'
import { capJson, capText } from '../caps'
import { useConfig } from '../config'
import { AppError, badRequest } from '../errors'
import { toTask } from '../storage/mappers'
import { allMessages } from '../storage/messages'
import { insertTask, requireTask, updateTask, type TaskChange } from '../storage/tasks'
import { getTaskKind } from './kinds'
import { FairScheduler } from './scheduler'
import { TaskFailure } from './types'

export interface TaskOutcome {
  task: TaskRow
  result?: TaskResult
  error?: MessageError
}

/** A started task: its stored row and its end. */
export interface TaskHandle {
  readonly row: TaskRow
  readonly done: Promise<TaskOutcome>
}

interface QueuedTask extends TaskHandle {
  row: TaskRow
  readonly id: string
  readonly ownerId: string
  readonly controller: AbortController
  readonly resolve: (outcome: TaskOutcome) => void
}

const live = new Map<string, QueuedTask>()

const scheduler = new FairScheduler<QueuedTask>(
  () => {
    const config = useConfig()
    return { concurrency: config.TASK_CONCURRENCY, perUser: config.TASKS_PER_USER, queueTimeoutMs: config.TASK_QUEUE_TIMEOUT_SECONDS * 1000 }
  },
  { run: execute, expire: task => void settle(task, { status: 'failed', error: queueTimeout() }) },
)

/** The one place where task output is bounded: every result and error is capped before it is stored and sent. */
function capped(values: TaskChange): TaskChange {
  const max = useConfig().TASK_OUTPUT_MAX_CHARS
  return {
    ...values,
    ...(values.result ? { result: capJson(values.result, max) } : {}),
    ...(values.error ? { error: { code: values.error.code, message: capText(values.error.message, max) } } : {}),
  }
}

async function change(task: QueuedTask, values: TaskChange): Promise<TaskRow | undefined> {
  const row = await updateTask(task.row.id, capped(values))
  if (row) {
    task.row = row
    publishToUser(row.ownerId, serverFrame('task.updated', { task: toTask(row) }))
  }
  return row
}

/** Stores the end of a task that never ran (cancelled or expired while waiting) and settles `done`. */
async function settle(task: QueuedTask, values: TaskChange) {
  live.delete(task.id)
  try {
    await change(task, values)
  }
  finally {
    task.resolve(outcomeOf(task))
  }
}

function outcomeOf(task: QueuedTask): TaskOutcome {
  return { task: task.row, result: task.row.result ?? undefined, error: task.row.error ?? undefined }
}

function queueTimeout(): MessageError {
  const seconds = useConfig().TASK_QUEUE_TIMEOUT_SECONDS
  return { code: 'queue_timeout', message: `The server was too busy to start this task within ${seconds} s. Try again in a moment.` }
}

function tooMany(): AppError {
  const max = useConfig().TASKS_PER_USER
  return new AppError('rate_limited', `You already have ${max} task${max === 1 ? '' : 's'} waiting or running; wait for one to finish or cancel one.`)
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
  if (!scheduler.reserve(request.ownerId)) throw tooMany()
  let row: TaskRow
  try {
    row = await insertTask({ ...request, title: kind.title(parsed.data), input: parsed.data })
  }
  catch (error) {
    scheduler.release(request.ownerId)
    throw error
  }
  publishToUser(row.ownerId, serverFrame('task.updated', { task: toTask(row) }))
  let resolve!: (outcome: TaskOutcome) => void
  const done = new Promise<TaskOutcome>(r => (resolve = r))
  const task: QueuedTask = { row, id: row.id, ownerId: row.ownerId, controller: new AbortController(), done, resolve }
  live.set(row.id, task)
  scheduler.enqueue(task)
  return task
}

function failureOf(error: unknown, signal: AbortSignal, timeoutMs: number): MessageError {
  if (signal.aborted && signal.reason === 'timeout') return { code: 'timeout', message: `Timed out after ${timeoutMs / 1000} s` }
  if (error instanceof TaskFailure) return { code: error.code, message: error.message }
  if (error instanceof AppError) return { code: error.code, message: error.message }
  console.error('[task] runner crashed', error)
  return { code: 'internal', message: 'The task crashed unexpectedly' }
}

/** The kind's runner, rejected with the abort reason as soon as the task is cancelled or times out. */
function runKind(task: QueuedTask): Promise<TaskResult> {
  const kind = getTaskKind(task.row.kind)!
  const { signal } = task.controller
  let lastProgress = 0
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
  const run = kind.run(task.row.input, {
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
  })
  return Promise.race([run, aborted])
}

async function execute(task: QueuedTask) {
  const kind = getTaskKind(task.row.kind)!
  const timeoutMs = Math.min(kind.timeoutMs, useConfig().TASK_TIMEOUT_SECONDS * 1000)
  const { signal } = task.controller
  const timer = setTimeout(() => task.controller.abort('timeout'), timeoutMs)
  try {
    if (signal.aborted || !(await change(task, { status: 'running', progress: 0 }))) return
    const result = await runKind(task)
    await change(task, { status: 'completed', progress: 1, result })
  }
  catch (error) {
    if (signal.aborted && signal.reason === 'cancel') await change(task, { status: 'cancelled' })
    else await change(task, { status: 'failed', error: failureOf(error, signal, timeoutMs) })
  }
  finally {
    clearTimeout(timer)
    live.delete(task.id)
    task.resolve(outcomeOf(task))
  }
}

/** Cancels a pending or running task of the owner; a task that already ended is left as it is. */
export async function cancelTask(ownerId: string, taskId: string): Promise<void> {
  const row = await requireTask(ownerId, taskId)
  const task = live.get(row.id)
  if (task) {
    task.controller.abort('cancel')
    if (scheduler.remove(task.id)) await settle(task, { status: 'cancelled' })
    return
  }
  // A row left pending or running by no live task (nothing in this process runs it) ends here.
  if (row.status === 'pending' || row.status === 'running') {
    const updated = await updateTask(row.id, { status: 'cancelled' })
    if (updated) publishToUser(ownerId, serverFrame('task.updated', { task: toTask(updated) }))
  }
}

/** Cancels what waits or runs for a topic that is going away; their rows go with the topic. */
export function abortTopicTasks(topicId: string) {
  for (const task of scheduler.removeWhere(task => task.row.topicId === topicId)) {
    task.controller.abort('cancel')
    void settle(task, { status: 'cancelled' }).catch(() => {})
  }
  for (const task of live.values()) {
    if (task.row.topicId === topicId) task.controller.abort('cancel')
  }
}
