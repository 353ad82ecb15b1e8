// Keeps Tab and Shift+Tab cycling inside a container while `active()` (a mobile overlay, a dialog),
// and pulls the focus back in if something outside takes it.
import { focusableIn } from '~/utils/focusable'

export function useFocusTrap(container: Ref<HTMLElement | undefined | null>, active: () => boolean) {
  function onKeydown(event: KeyboardEvent) {
    const root = container.value
    if (event.key !== 'Tab' || !root || !active()) return
    const items = focusableIn(root)
    if (!items.length) return event.preventDefault()
    const first = items[0]!
    const last = items.at(-1)!
    const current = document.activeElement
    if (event.shiftKey && (current === first || !root.contains(current))) {
      event.preventDefault()
      last.focus()
    }
    else if (!event.shiftKey && (current === last || !root.contains(current))) {
      event.preventDefault()
      first.focus()
    }
  }

  function onFocusIn(event: FocusEvent) {
    const root = container.value
    if (!root || !active() || root.contains(event.target as Node)) return
    focusableIn(root)[0]?.focus()
  }

  onMounted(() => {
    document.addEventListener('keydown', onKeydown)
    document.addEventListener('focusin', onFocusIn)
  })
  onBeforeUnmount(() => {
    document.removeEventListener('keydown', onKeydown)
    document.removeEventListener('focusin', onFocusIn)
  })

  /** Moves the focus to the first thing in the container (or the container itself). */
  function focusFirst() {
    const root = container.value
    if (!root) return
    const target = focusableIn(root)[0] ?? root
    target.focus()
  }

  return { focusFirst }
}
