// The task panel's status filter. "Failed" holds what Retry applies to: failed and cancelled tasks.
import type { Task, TaskStatus } from '#shared/protocol'

export const taskFilters = ['all', 'active', 'done', 'failed'] as const
export type TaskFilter = typeof taskFilters[number]

const statusesOf: Record<Exclude<TaskFilter, 'all'>, TaskStatus[]> = {
  active: ['pending', 'running'],
  done: ['completed'],
  failed: ['failed', 'cancelled'],
}

export function filterTasks(tasks: Task[], filter: TaskFilter): Task[] {
  return filter === 'all' ? tasks : tasks.filter(task => statusesOf[filter].includes(task.status))
}

export function canRetry(task: Task): boolean {
  return task.status === 'failed' || task.status === 'cancelled'
}
