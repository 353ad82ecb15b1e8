// Deleting a topic: it leaves the list at once, and a toast offers Undo while the server still
// keeps it (topic.restore within its UNDO_SECONDS brings it back with topic.created).
import type { Topic } from '#shared/protocol'
import { PANEL_IDS } from '~/composables/usePanels'

export const UNDO_TOAST_MS = 8000

export function useTopicDelete() {
  const chat = useChat()
  const topics = useTopicsStore()
  const ui = useUiStore()
  const route = useRoute()
  const { t } = useI18n()

  return async function remove(topic: Topic) {
    const wasOpen = route.params.id === topic.id
    // The row with the focus goes away: the focus stays in the panel, on its search box.
    const fromPanel = !!document.activeElement?.closest(`#${PANEL_IDS.left}`)
    topics.remove(topic.id)
    chat.deleteTopic(topic.id)
    ui.toast(t('topics.deleted', { title: topic.title }), 'info', UNDO_TOAST_MS, {
      label: t('topics.undo'),
      run: () => chat.restoreTopic(topic.id),
    })
    if (wasOpen) await navigateTo('/')
    await nextTick()
    if (fromPanel) document.querySelector<HTMLElement>(`#${PANEL_IDS.left} [data-testid=topic-search]`)?.focus()
  }
}
