// Counts the tasks that finish while the task panel is out of sight (the badge on its toggle; the
// count clears when the panel opens) and announces each finish to screen readers.
import type { TaskStatus } from '#shared/protocol'

const live = (status: TaskStatus | undefined) => status === 'pending' || status === 'running'

export function useTaskBadge() {
  const ui = useUiStore()
  const tasks = useTasksStore()
  const { announce } = useAnnouncer()
  const { t } = useI18n()
  const seen = new Map<string, TaskStatus>()

  onMounted(() => {
    watch(() => Object.values(tasks.byTopic).flat().map(task => [task.id, task.status, task.title] as const), (list) => {
      for (const [id, status, title] of list) {
        const before = seen.get(id)
        seen.set(id, status)
        if (!live(before) || live(status)) continue
        if (ui.rightHidden) ui.tasksFinishedUnseen++
        announce(t(`tasks.announce.${status}`, { title }))
      }
    }, { immediate: true })
    watch(() => ui.rightHidden, (hidden) => {
      if (!hidden) ui.tasksFinishedUnseen = 0
    })
  })
}
