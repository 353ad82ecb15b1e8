// Background tasks per topic, as task.updated frames report them.
import { defineStore } from 'pinia'
import type { Task } from '#shared/protocol'

export const useTasksStore = defineStore('tasks', () => {
  const byTopic = ref<Record<string, Task[]>>({})

  function tasksOf(topicId: string | null): Task[] {
    return topicId ? byTopic.value[topicId] ?? [] : []
  }

  /** Tasks of the topic still pending or running. */
  function activeCount(topicId: string | null): number {
    return tasksOf(topicId).filter(t => t.status === 'pending' || t.status === 'running').length
  }

  function setForTopic(topicId: string, tasks: Task[]) {
    byTopic.value[topicId] = tasks
  }

  function upsert(task: Task) {
    const list = (byTopic.value[task.topicId] ??= [])
    const index = list.findIndex(t => t.id === task.id)
    // Updates can cross on the wire: never go back from a newer state.
    if (index >= 0 && list[index]!.updatedAt > task.updatedAt) return
    if (index >= 0) list[index] = task
    else list.push(task)
  }

  function reset() {
    byTopic.value = {}
  }

  function dropTopic(topicId: string) {
    byTopic.value = Object.fromEntries(Object.entries(byTopic.value).filter(([id]) => id !== topicId))
  }

  return { byTopic, tasksOf, activeCount, setForTopic, upsert, dropTopic, reset }
})
