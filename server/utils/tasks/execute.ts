// Running one stored task, whichever queue picked it: the row goes pending → running → completed,
// failed or cancelled; every change is capped in size (the one place where task output is bounded),
// stored, and announced once. The in-process queue and the BullMQ workers both call this.
import type { MessageError, TaskResult } from '#shared/protocol'
import type { TaskRow } from '../../database/schema'
import { capJson, capText } from '../caps'
import { useConfig } from '../config'
import { AppError } from '../errors'
import { announce } from '../events'
import { allMessages } from '../storage/messages'
import { findTask, updateTask, type TaskChange } from '../storage/tasks'
import { getTaskKind } from './kinds'
import { TaskFailure } from './types'

export interface TaskOutcome {
  task: TaskRow
  result?: TaskResult
  error?: MessageError
}

export function outcomeOf(row: TaskRow): TaskOutcome {
  return { task: row, result: row.result ?? undefined, error: row.error ?? undefined }
}

function capped(values: TaskChange): TaskChange {
  const max = useConfig().TASK_OUTPUT_MAX_CHARS
  return {
    ...values,
    ...(values.result ? { result: capJson(values.result, max) } : {}),
    ...(values.error ? { error: { code: values.error.code, message: capText(values.error.message, max) } } : {}),
  }
}

/** Stores a change unless the task already ended; announces it; returns the row as stored. */
export async function changeTask(taskId: string, values: TaskChange): Promise<TaskRow | undefined> {
  const row = await updateTask(taskId, capped(values))
  if (row) announce.taskUpdated(row)
  return row
}

/** Stores the end of a task; when it had already ended (cancelled elsewhere), the end that was stored. */
async function endTask(taskId: string, values: TaskChange, fallback: TaskRow): Promise<TaskRow> {
  return (await changeTask(taskId, values)) ?? (await findTask(taskId)) ?? fallback
}

export function queueTimeout(): MessageError {
  const seconds = useConfig().TASK_QUEUE_TIMEOUT_SECONDS
  return { code: 'queue_timeout', message: `The server was too busy to start this task within ${seconds} s. Try again in a moment.` }
}

export function tooManyTasks(): AppError {
  const max = useConfig().TASKS_PER_USER
  return new AppError('rate_limited', `You already have ${max} task${max === 1 ? '' : 's'} waiting or running; wait for one to finish or cancel one.`)
}

/** Why a task ended badly, as the person reads it. */
export const INTERRUPTED: MessageError = { code: 'interrupted', message: 'The server restarted before this task finished. Run it again.' }

function failureOf(error: unknown, signal: AbortSignal, timeoutMs: number): MessageError {
  if (signal.aborted && signal.reason === 'timeout') return { code: 'timeout', message: `Timed out after ${timeoutMs / 1000} s` }
  if (signal.aborted && signal.reason === 'shutdown') return INTERRUPTED
  if (error instanceof TaskFailure) return { code: error.code, message: error.message }
  if (error instanceof AppError) return { code: error.code, message: error.message }
  console.error('[task] runner crashed', error)
  return { code: 'internal', message: 'The task crashed unexpectedly' }
}

/** The kind's runner, rejected with the abort reason as soon as the task is cancelled or times out. */
function runKind(row: TaskRow, signal: AbortSignal): Promise<TaskResult> {
  const kind = getTaskKind(row.kind)!
  let lastProgress = 0
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
  const run = kind.run(row.input, {
    signal,
    progress: (value) => {
      const now = Date.now()
      if (now - lastProgress < 100 || signal.aborted) return
      lastProgress = now
      void changeTask(row.id, { progress: Math.max(0, Math.min(1, value)) })
    },
    loadConversation: async () => (await allMessages(row.topicId))
      .filter(m => m.status !== 'failed' && m.content)
      .map(m => ({ role: m.role, content: m.content })),
  })
  return Promise.race([run, aborted])
}

/**
 * Runs a pending task to its end. `controller` aborts it: with reason 'cancel' it ends cancelled;
 * the kind's time limit aborts it with 'timeout'. Resolves with the row as it ended (or as it was,
 * when it had already ended elsewhere).
 */
export async function executeTask(row: TaskRow, controller: AbortController): Promise<TaskRow> {
  const kind = getTaskKind(row.kind)
  if (!kind) return (await changeTask(row.id, { status: 'failed', error: { code: 'unknown_kind', message: `Unknown task kind "${row.kind}"` } })) ?? row
  const timeoutMs = Math.min(kind.timeoutMs, useConfig().TASK_TIMEOUT_SECONDS * 1000)
  const { signal } = controller
  const timer = setTimeout(() => controller.abort('timeout'), timeoutMs)
  let current = row
  try {
    const running = signal.aborted ? undefined : await changeTask(row.id, { status: 'running', progress: 0 })
    if (!running) return endTask(row.id, { status: 'cancelled' }, row)
    current = running
    const result = await runKind(running, signal)
    return await endTask(row.id, { status: 'completed', progress: 1, result }, current)
  }
  catch (error) {
    const end: TaskChange = signal.aborted && signal.reason === 'cancel' ? { status: 'cancelled' } : { status: 'failed', error: failureOf(error, signal, timeoutMs) }
    return endTask(row.id, end, current)
  }
  finally {
    clearTimeout(timer)
  }
}
