// The app's keyboard shortcuts (utils/shortcuts.ts lists them), installed once by the layout.
// Stop goes through useChat().stop with the open topic's streaming reply (the one the composer's
// stop button ends), so no component has to listen for it.
import { shortcutFor, shortcutKeys, type ShortcutId } from '~/utils/shortcuts'

/** Whether to write ⌘ instead of Ctrl: known after mount (the server renders Ctrl). */
export function useShortcutHint() {
  const mac = useState('shortcut-mac', () => false)
  onMounted(() => (mac.value = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)))
  /** "Ctrl+Shift+O" */
  return (id: ShortcutId) => shortcutKeys(id, mac.value).join('+')
}

export function focusComposer() {
  const input = document.querySelector<HTMLElement>('[data-testid=composer-input]')
  input?.focus()
  return !!input
}

export function useShortcuts() {
  const ui = useUiStore()
  const topics = useTopicsStore()
  const messages = useMessagesStore()
  const chat = useChat()
  const panels = usePanels()

  const actions: Record<ShortcutId, () => unknown> = {
    newChat: async () => {
      await panels.closeOverlays()
      await navigateTo('/')
      await nextTick()
      focusComposer()
    },
    search: async () => {
      await panels.reveal('left', '[data-testid=topic-search]')
      document.querySelector<HTMLInputElement>('[data-testid=topic-search]')?.select()
    },
    toggleTopics: () => panels.toggle('left', { focusInside: true }),
    toggleTasks: () => panels.toggle('right', { focusInside: true }),
    focusComposer: async () => {
      await panels.closeOverlays()
      focusComposer()
    },
    stop: () => {
      const streaming = messages.streamingIn(topics.currentId)
      if (streaming) chat.stop(streaming.topicId, streaming.id)
    },
    help: () => (ui.helpOpen = true),
  }

  function onKeydown(event: KeyboardEvent) {
    if (event.defaultPrevented || event.isComposing || ui.helpOpen) return
    const id = shortcutFor(event)
    if (!id) return
    event.preventDefault()
    void actions[id]()
  }

  onMounted(() => document.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => document.removeEventListener('keydown', onKeydown))
}
