// Inline renaming of a topic (the header title and the topic list share it): start selects the
// current title, Enter or blur commits a changed, non-empty title, Escape cancels.
import type { Topic } from '#shared/protocol'

export function useTopicRename(topic: () => Topic | null) {
  const chat = useChat()
  const editing = ref(false)
  const draft = ref('')
  const input = ref<HTMLInputElement>()

  async function start() {
    const current = topic()
    if (!current) return
    draft.value = current.title
    editing.value = true
    await nextTick()
    input.value?.select()
  }

  function commit() {
    const current = topic()
    const title = draft.value.trim()
    if (editing.value && current && title && title !== current.title) chat.renameTopic(current.id, title)
    editing.value = false
  }

  function cancel() {
    editing.value = false
  }

  return { editing, draft, input, start, commit, cancel }
}
