// Task rows. Ownership is by owner id on the row, so task.cancel needs no topic id.
import { and, asc, count, eq, inArray } from 'drizzle-orm'
import { tasks, type TaskRow } from '../../database/schema'
import type { MessageError, TaskResult, TaskStatus } from '#shared/protocol'
import { useDb } from '../db'
import { notFound } from '../errors'
import { newId } from '../ids'

export async function insertTask(values: Pick<TaskRow, 'topicId' | 'ownerId' | 'kind' | 'title'> & { messageId?: string, input: unknown }): Promise<TaskRow> {
  const db = await useDb()
  const [row] = await db.insert(tasks).values({ id: newId('tsk'), status: 'pending', progress: null, ...values }).returning()
  return row!
}

export async function requireTask(ownerId: string, taskId: string): Promise<TaskRow> {
  const db = await useDb()
  const [row] = await db.select().from(tasks).where(and(eq(tasks.id, taskId), eq(tasks.ownerId, ownerId))).limit(1)
  if (!row) throw notFound('Task')
  return row
}

/** A task by id, for the worker that runs it (the owner was checked when it was started). */
export async function findTask(taskId: string): Promise<TaskRow | undefined> {
  const db = await useDb()
  const [row] = await db.select().from(tasks).where(eq(tasks.id, taskId)).limit(1)
  return row
}

/** Tasks of the user still waiting or running, on any instance. */
export async function countActiveTasks(ownerId: string): Promise<number> {
  const db = await useDb()
  const [row] = await db.select({ value: count() }).from(tasks).where(and(eq(tasks.ownerId, ownerId), inArray(tasks.status, ['pending', 'running'])))
  return row?.value ?? 0
}

export async function topicTasks(topicId: string, limit = 100): Promise<TaskRow[]> {
  const db = await useDb()
  return db.select().from(tasks).where(eq(tasks.topicId, topicId)).orderBy(asc(tasks.createdAt)).limit(limit)
}

export interface TaskChange {
  status?: TaskStatus
  progress?: number | null
  result?: TaskResult
  error?: MessageError
}

/** Applies a change unless the task already ended; returns the row as stored, or undefined when it had ended. */
export async function updateTask(taskId: string, change: TaskChange): Promise<TaskRow | undefined> {
  const db = await useDb()
  const [row] = await db
    .update(tasks)
    .set({ ...change, updatedAt: new Date() })
    .where(and(eq(tasks.id, taskId), inArray(tasks.status, ['pending', 'running'])))
    .returning()
  return row
}

/** Tasks of a process that died can never report back: they fail visibly at the next start. */
export async function failInterruptedTasks(): Promise<number> {
  const db = await useDb()
  const rows = await db
    .update(tasks)
    .set({ status: 'failed', error: { code: 'interrupted', message: 'The server restarted before this task finished.' }, updatedAt: new Date() })
    .where(inArray(tasks.status, ['pending', 'running']))
    .returning({ id: tasks.id })
  return rows.length
}
